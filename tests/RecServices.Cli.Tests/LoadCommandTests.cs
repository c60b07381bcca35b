using System.Text.Json;

namespace RecServices.Cli.Tests;

[Collection(SerialCollection.Name)]
public sealed class LoadCommandTests
{
    [Fact]
    public async Task Load_SpawnedServices_MeasuresRecommendAndTheFloorAndWritesTheJson()
    {
        using var dir = new TempDirectory();
        var bundle = Path.Combine(dir.Path, "bundle");
        var train = await Recs.RunAsync("train", "--data", "synthetic", "--out", bundle,
            "--synthetic-users", "150", "--synthetic-items", "200", "--synthetic-interactions", "4000", "--epochs", "2", "--dim", "8");
        Assert.True(train.ExitCode == 0, train.Error);
        var json = Path.Combine(dir.Path, "load.json");

        // Three real processes on loopback, a real closed loop: a second per side after half a second of warm-up.
        var result = await Recs.RunAsync("load", "--spawn", bundle, "--concurrency", "2", "--duration", "1", "--warmup", "0.5", "--json", json);

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("Recommend / floor", result.Output);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        foreach (var side in new[] { "recommend", "floor" })
        {
            var s = report.RootElement.GetProperty(side);
            Assert.True(s.GetProperty("throughput_rps").GetDouble() > 0, side);
            Assert.Equal(0, s.GetProperty("errors").GetInt64());
            var (p50, p90, p99, p999, max) = (s.GetProperty("p50_ms").GetDouble(), s.GetProperty("p90_ms").GetDouble(), s.GetProperty("p99_ms").GetDouble(), s.GetProperty("p999_ms").GetDouble(), s.GetProperty("max_ms").GetDouble());
            Assert.True(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= p999 && p999 <= max, $"{side}: percentiles out of order");
        }

        var ratio = report.RootElement.GetProperty("ratio");
        Assert.Equal(
            Math.Round(report.RootElement.GetProperty("recommend").GetProperty("p50_ms").GetDouble() / report.RootElement.GetProperty("floor").GetProperty("p50_ms").GetDouble(), 2),
            ratio.GetProperty("p50").GetDouble(), 1);
        Assert.True(ratio.GetProperty("throughput").GetDouble() > 0);
    }

    [Fact]
    public async Task Load_NeitherTargetNorSpawn_ExitsOneSayingWhatToGive()
    {
        var result = await Recs.RunAsync("load", "--concurrency", "2");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("give either --target <gateway address> with --bundle <dir>, or --spawn <bundle>", result.Error);
    }

    [Fact]
    public async Task Load_TargetWithoutBundle_ExitsOneAskingForIt()
    {
        var result = await Recs.RunAsync("load", "--target", "http://127.0.0.1:1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--target needs --bundle", result.Error);
    }
}
