using System.Text.Json;

namespace RecServices.Lab.Tests;

/// <summary>
/// <c>recs-lab catalog</c>: two real gateway processes on one real store, availability changes made through the first
/// and read back from every replica.
/// </summary>
public sealed class CatalogCommandTests
{
    [Theory]
    [InlineData("sqlite")]
    [RedisInlineData("redis")]
    public async Task Catalog_ChangesThroughOneGateway_ReachEveryReplica_AndTheRunReportsHowLongEachTook(string store)
    {
        using var dir = new TempDirectory();
        var bundle = Lab.SmallBundle(dir);
        var json = Path.Combine(dir.Path, "catalog.json");

        var result = await Lab.RunAsync(
            "catalog",
            "--spawn",
            bundle,
            "--gateways",
            "2",
            "--store",
            store,
            "--flips",
            "3",
            "--json",
            json
        );

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"6 availability changes through gateway 1, {store} store", result.Output);
        Assert.Contains("| applied by gateway 2, from the ack |", result.Output);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var applied = report.RootElement.GetProperty("AppliedMs");
        Assert.Equal(2, applied.GetArrayLength());
        Assert.All(
            applied.EnumerateArray(),
            replica => Assert.All(replica.EnumerateArray(), ms => Assert.True(ms.GetDouble() >= 0))
        );
    }

    [Fact]
    public async Task Catalog_NoFlips_ExitsOneSayingWhatToSend()
    {
        var result = await Lab.RunAsync("catalog", "--spawn", "anywhere", "--flips", "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--flips and --gateways must be at least 1", result.Error);
    }
}
