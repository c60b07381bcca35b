using System.Text.Json;

namespace RecServices.Lab.Tests;

/// <summary>
/// recs-lab load against spawned services: Recommend and the floor measured and written, the cost model and fixed rates,
/// missing arguments refused saying what to give.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class LoadCommandTests
{
    [Fact]
    public async Task Load_SpawnedServices_MeasuresRecommendAndTheFloorAndWritesTheJson()
    {
        using var dir = new TempDirectory();
        var bundle = Lab.SmallBundle(dir);
        var json = Path.Combine(dir.Path, "load.json");

        // Three real processes on loopback, a real closed loop: a second per side after half a second of warm-up.
        var result = await Lab.RunAsync(
            "load",
            "--spawn",
            bundle,
            "--concurrency",
            "2",
            "--duration",
            "1",
            "--warmup",
            "0.5",
            "--json",
            json
        );

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("Recommend / floor", result.Output);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        foreach (var side in new[] { "recommend", "floor" })
        {
            var s = report.RootElement.GetProperty(side);
            Assert.True(s.GetProperty("throughput_rps").GetDouble() > 0, side);
            Assert.Equal(0, s.GetProperty("errors").GetInt64());
            var (p50, p90, p99, p999, max) = (
                s.GetProperty("p50_ms").GetDouble(),
                s.GetProperty("p90_ms").GetDouble(),
                s.GetProperty("p99_ms").GetDouble(),
                s.GetProperty("p999_ms").GetDouble(),
                s.GetProperty("max_ms").GetDouble()
            );
            Assert.True(
                p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= p999 && p999 <= max,
                $"{side}: percentiles out of order"
            );
        }

        var ratio = report.RootElement.GetProperty("ratio");
        Assert.Equal(
            Math.Round(
                report.RootElement.GetProperty("recommend").GetProperty("p50_ms").GetDouble()
                    / report.RootElement.GetProperty("floor").GetProperty("p50_ms").GetDouble(),
                2
            ),
            ratio.GetProperty("p50").GetDouble(),
            1
        );
        Assert.True(ratio.GetProperty("throughput").GetDouble() > 0);
        foreach (var side in new[] { "recommend_cpu_us_per_call", "floor_cpu_us_per_call" })
        {
            var cpu = report.RootElement.GetProperty(side);
            Assert.Equal(["retrieval", "ranking", "gateway", "recs"], cpu.EnumerateObject().Select(p => p.Name));
            Assert.All(cpu.EnumerateObject(), p => Assert.True(p.Value.GetDouble() >= 0, $"{side}: {p.Name}"));
        }
    }

    [Fact]
    public async Task Load_CostModelAndFixedRates_MeasureEveryHopWithEachProcesssCpuPerCall()
    {
        using var dir = new TempDirectory();
        var bundle = Lab.SmallBundle(dir);
        var json = Path.Combine(dir.Path, "cost-model.json");

        // Six calls at two concurrencies, then the saturation and Recommend open loop at half of it and at 20 calls/s.
        var result = await Lab.RunAsync(
            "load",
            "--spawn",
            bundle,
            "--cost-model",
            "--saturation-concurrency",
            "4",
            "--rate",
            "20",
            "--rate-shares",
            "0.5",
            "--duration",
            "1",
            "--warmup",
            "0.3",
            "--json",
            json
        );

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("| Recommend − hops (the gateway's share) |", result.Output);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var rows = report.RootElement.GetProperty("cost_model").GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(12, rows.Count);
        // the saturating one first: its warm-up JITs every path
        Assert.Equal([4, 1], rows.Select(r => r.GetProperty("concurrency").GetInt32()).Distinct());
        Assert.Equal(
            [
                "retrieval GetCandidates",
                "retrieval Check",
                "ranking RankCandidates",
                "ranking Check",
                "gateway Recommend",
                "gateway Check",
            ],
            rows.Take(6).Select(r => r.GetProperty("call").GetString())
        );
        foreach (var row in rows)
        {
            var summary = row.GetProperty("summary");
            Assert.True(summary.GetProperty("requests").GetInt64() > 0, row.GetProperty("call").GetString());
            Assert.Equal(0, summary.GetProperty("errors").GetInt64());
            var cpu = row.GetProperty("cpu_us_per_call");
            Assert.Equal(["retrieval", "ranking", "gateway", "recs"], cpu.EnumerateObject().Select(p => p.Name));
            Assert.All(cpu.EnumerateObject(), p => Assert.True(p.Value.GetDouble() >= 0, p.Name));
            var runtime = row.GetProperty("runtime_per_call");
            Assert.Equal(["retrieval", "ranking", "gateway"], runtime.EnumerateObject().Select(p => p.Name));
        }

        // The runtime's counters, read from each service's /metrics: the service called allocated for its calls
        // (summed over its rows, as the CPU below: a one-second row on a busy machine may read the same total twice).
        foreach (
            var (call, service) in new[] { ("retrieval GetCandidates", "retrieval"), ("gateway Recommend", "gateway") }
        )
        {
            Assert.True(
                rows.Where(r => r.GetProperty("call").GetString() == call)
                    .Sum(r =>
                        r.GetProperty("runtime_per_call").GetProperty(service).GetProperty("allocated_kb").GetDouble()
                    ) > 0,
                call
            );
        }

        // Each service used CPU for its own calls (/proc counts in 10 ms ticks: summed over its rows).
        Assert.True(
            rows.Where(r => r.GetProperty("call").GetString()!.StartsWith("retrieval", StringComparison.Ordinal))
                .Sum(r => r.GetProperty("cpu_us_per_call").GetProperty("retrieval").GetDouble()) > 0
        );
        Assert.True(
            rows.Where(r => r.GetProperty("call").GetString()!.StartsWith("ranking", StringComparison.Ordinal))
                .Sum(r => r.GetProperty("cpu_us_per_call").GetProperty("ranking").GetDouble()) > 0
        );

        var saturation = report.RootElement.GetProperty("saturation").GetProperty("throughput_rps").GetDouble();
        var fixedRate = report.RootElement.GetProperty("fixed_rate").EnumerateArray().ToList();
        Assert.Equal(2, fixedRate.Count);
        Assert.Equal(20, fixedRate[0].GetProperty("offered_rps").GetDouble());
        Assert.Equal(Math.Round(saturation * 0.5, 1), fixedRate[1].GetProperty("offered_rps").GetDouble(), 0.2);
        foreach (var row in fixedRate)
        {
            // Open loop: every scheduled call ends answered or failed, none dropped by the generator.
            var scheduled = (long)(row.GetProperty("offered_rps").GetDouble() * 1);
            Assert.InRange(
                row.GetProperty("answered").GetInt64() + row.GetProperty("failed").GetInt64(),
                scheduled - 1,
                scheduled + 1
            );
            var (p50, p99, max) = (
                row.GetProperty("p50_ms").GetDouble(),
                row.GetProperty("p99_ms").GetDouble(),
                row.GetProperty("max_ms").GetDouble()
            );
            Assert.True(p50 > 0 && p50 <= p99 && p99 <= max, "percentiles out of order");
        }
    }

    [Fact]
    public async Task Load_CostModelWithoutSpawn_ExitsOneSayingItNeedsTheProcesses()
    {
        using var dir = new TempDirectory();

        var result = await Lab.RunAsync("load", "--target", "http://127.0.0.1:1", "--bundle", dir.Path, "--cost-model");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--cost-model, --rate and --rate-shares need --spawn <bundle>", result.Error);
    }

    [Fact]
    public async Task Load_NeitherTargetNorSpawn_ExitsOneSayingWhatToGive()
    {
        var result = await Lab.RunAsync("load", "--concurrency", "2");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "give either --target <gateway address> with --bundle <dir>, or --spawn <bundle>",
            result.Error
        );
    }

    [Fact]
    public async Task Load_TargetWithoutBundle_ExitsOneAskingForIt()
    {
        var result = await Lab.RunAsync("load", "--target", "http://127.0.0.1:1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--target needs --bundle", result.Error);
    }
}
