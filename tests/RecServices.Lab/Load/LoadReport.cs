using System.Text.Json.Serialization;

namespace RecServices.Lab.Load;

/// <summary>
/// What <c>recs-lab load --json</c> writes per user store: the sides measured in one run against one gateway process
/// (Recommend, RecordInteraction when asked for, the floor), and the ratios of Recommend to the floor; with
/// --spawn, the CPU microseconds per call each process (the three services and recs) used over the Recommend and
/// floor windows.
/// </summary>
public sealed record LoadReport(
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("store")] string Store,
    [property: JsonPropertyName("concurrency")] int Concurrency,
    [property: JsonPropertyName("duration_s")] double DurationSeconds,
    [property: JsonPropertyName("warmup_s")] double WarmupSeconds,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("machine")] string Machine,
    [property: JsonPropertyName("recommend")] LoadSummary Recommend,
    [property: JsonPropertyName("record_interaction"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        LoadSummary? RecordInteraction,
    [property: JsonPropertyName("floor")] LoadSummary Floor,
    [property: JsonPropertyName("ratio")] LoadRatio Ratio,
    [property: JsonPropertyName("promotion"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        PromotionReport? Promotion = null,
    [property:
        JsonPropertyName("recommend_cpu_us_per_call"),
        JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)
    ]
        IReadOnlyDictionary<string, double?>? RecommendCpu = null,
    [property: JsonPropertyName("floor_cpu_us_per_call"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        IReadOnlyDictionary<string, double?>? FloorCpu = null
);

/// <summary>
/// Recommend over the floor: p50 latency (lower is better, ≥ 1) and throughput (higher is better, ≤ 1).
/// </summary>
public sealed record LoadRatio(
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("throughput")] double Throughput
);
