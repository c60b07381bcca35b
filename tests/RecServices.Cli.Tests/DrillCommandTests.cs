namespace RecServices.Cli.Tests;

/// <summary><c>recs drill</c>: SIGKILL of the gateway or of redis-server while writes stream in loses no acknowledged write.</summary>
[Collection(SerialCollection.Name)]
public sealed class DrillCommandTests
{
    [Theory]
    [InlineData("sqlite", "gateway")]
    [RedisInlineData("redis", "gateway")]
    [RedisInlineData("redis", "redis")]
    public async Task Drill_KillMidwayAndRestart_NoAcknowledgedWriteIsLostOrRecordedTwice(string store, string kill)
    {
        using var dir = new TempDirectory();
        var bundle = Path.Combine(dir.Path, "bundle");
        var train = await Recs.RunAsync("train", "--data", "synthetic", "--out", bundle,
            "--synthetic-users", "100", "--synthetic-items", "150", "--synthetic-interactions", "3000", "--epochs", "1", "--dim", "8");
        Assert.True(train.ExitCode == 0, train.Error);

        var result = await Recs.RunAsync("drill", "--spawn", bundle, "--store", store, "--kill", kill, "--writers", "4", "--before", "1", "--after", "1");

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Matches($@"{store} store, kill -9 {kill}, 4 writers, [\d.]+ s: [1-9]\d* acknowledged, 0 lost, 0 recorded twice", result.Output);
    }

    [Fact]
    public async Task Drill_UnknownKillTarget_ExitsOneSayingWhy()
    {
        using var dir = new TempDirectory();

        var result = await Recs.RunAsync("drill", "--spawn", dir.Path, "--kill", "postgres");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--kill must be gateway or redis; got 'postgres'", result.Error);
    }
}
