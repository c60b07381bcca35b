using System.Text.Json.Serialization;

namespace RecServices.Cli.Load;

/// <summary>What <c>recs load --json</c> writes: both sides measured in one run against one gateway process, and their ratios.</summary>
public sealed record LoadReport(
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("concurrency")] int Concurrency,
    [property: JsonPropertyName("duration_s")] double DurationSeconds,
    [property: JsonPropertyName("warmup_s")] double WarmupSeconds,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("machine")] string Machine,
    [property: JsonPropertyName("recommend")] LoadSummary Recommend,
    [property: JsonPropertyName("floor")] LoadSummary Floor,
    [property: JsonPropertyName("ratio")] LoadRatio Ratio);

/// <summary>Recommend over the floor: p50 latency (lower is better, ≥ 1) and throughput (higher is better, ≤ 1).</summary>
public sealed record LoadRatio(
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("throughput")] double Throughput);
