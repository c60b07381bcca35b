using System.Text.Json;

namespace RecServices.Lab.Tests;

/// <summary>
/// recs-lab cost measures every part at two small sizes and writes its tables and chart; a size out of range is refused
/// naming the limits.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class CostCommandTests
{
    [Fact]
    public async Task Cost_TwoSmallSizes_MeasuresEveryPartAndWritesTheTablesAndTheChart()
    {
        using var dir = new TempDirectory();

        // Two real builds (one epoch), the real pipelines in process, three real processes per size over loopback.
        var result = await Lab.RunAsync(
            "cost",
            "--out",
            dir.Path,
            "--sizes",
            "1000",
            "500",
            "--epochs",
            "1",
            "--quality-users",
            "60",
            "--call-users",
            "20",
            "--warmup",
            "0.2",
            "--duration",
            "0.5"
        );

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "cost.json")));
        var sizes = report.RootElement.EnumerateArray().ToList();
        Assert.Equal([500, 1000], sizes.Select(s => s.GetProperty("items").GetInt32())); // smallest first
        foreach (var size in sizes)
        {
            var build = size.GetProperty("build");
            var steps = build
                .GetProperty("steps")
                .EnumerateArray()
                .Select(s => s.GetProperty("name").GetString())
                .ToList();
            Assert.Contains("train", steps);
            Assert.Contains("generate the data and hold out the carve", steps);
            Assert.Equal(
                Math.Round(
                    build.GetProperty("steps").EnumerateArray().Sum(s => s.GetProperty("seconds").GetDouble()),
                    1
                ),
                build.GetProperty("seconds").GetDouble(),
                1
            );

            var quality = size.GetProperty("quality");
            Assert.Equal(60, quality.GetProperty("users").GetInt32());
            var (twoStage, full) = (
                quality.GetProperty("two_stage_ndcg10").GetDouble(),
                quality.GetProperty("full_catalog_ndcg10").GetDouble()
            );
            Assert.InRange(twoStage, 0, 1);
            Assert.InRange(full, 0.0001, 1);
            Assert.Equal(Math.Round(twoStage / full, 4), quality.GetProperty("ndcg_share").GetDouble(), 4);
            Assert.True(
                quality.GetProperty("two_stage_p50_ms").GetDouble() > 0
                    && quality.GetProperty("full_catalog_p50_ms").GetDouble() > 0
            );

            var services = size.GetProperty("services").EnumerateArray().ToList();
            Assert.Equal(
                ["retrieval", "ranking", "gateway"],
                services.Select(s => s.GetProperty("service").GetString())
            );
            Assert.All(
                services,
                s =>
                    Assert.True(
                        s.GetProperty("ready_seconds").GetDouble() > 0 && s.GetProperty("table_bytes").GetInt64() > 0
                    )
            );
            if (OperatingSystem.IsLinux())
            {
                Assert.All(
                    services,
                    s =>
                        Assert.True(
                            s.GetProperty("rss_after_calls_bytes").GetInt64()
                                > s.GetProperty("rss_after_calls_anonymous_bytes").GetInt64()
                        )
                );
            }

            var calls = size.GetProperty("calls").EnumerateArray().ToList();
            Assert.Equal(
                [
                    "retrieval GetCandidates",
                    "ranking RankCandidates",
                    "gateway Recommend",
                    "floor: ranking health Check",
                ],
                calls.Select(c => c.GetProperty("call").GetString())
            );
            Assert.All(
                calls,
                c =>
                    Assert.True(
                        c.GetProperty("summary").GetProperty("requests").GetInt64() > 0
                            && c.GetProperty("summary").GetProperty("errors").GetInt64() == 0
                    )
            );
        }

        var table = File.ReadAllText(Path.Combine(dir.Path, "cost.md"));
        Assert.Contains("| 1k |", table);
        Assert.Contains("| 500 |", table);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(Path.Combine(dir.Path, "cost.png"))[..4]);
    }

    [Fact]
    public async Task Cost_SizeOutOfRange_ExitsOneNamingTheLimits()
    {
        using var dir = new TempDirectory();

        var result = await Lab.RunAsync("cost", "--out", dir.Path, "--sizes", "50");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--sizes takes catalog sizes between 100 and 10,000,000 items", result.Error);
    }
}
