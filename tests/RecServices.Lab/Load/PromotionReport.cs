using System.Text.Json.Serialization;

namespace RecServices.Lab.Load;

/// <summary>A promotion made in the middle of a measured Recommend window (<c>recs-lab load --promote</c>).</summary>
/// <param name="Version">The version promoted.</param>
/// <param name="AtSeconds">When, from the start of the measured window.</param>
/// <param name="FirstAnswerSeconds">From the promotion to the first answer carrying the new version (null: none
/// came).</param>
/// <param name="LoadSeconds">Each spawned service's own load-and-validate time of the new version, from its
/// log.</param>
/// <param name="Memory">Each spawned service's resident memory (all, and anonymous: heap and stacks, without mapped
/// files) just before the promotion, at its peak after, and at the end.</param>
public sealed record PromotionReport(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("at_s")] double AtSeconds,
    [property: JsonPropertyName("first_answer_s")] double? FirstAnswerSeconds,
    [property: JsonPropertyName("load_s")] IReadOnlyDictionary<string, double> LoadSeconds,
    [property: JsonPropertyName("rss_mb")] IReadOnlyDictionary<string, ResidentMemory> Memory
);

/// <summary>
/// Resident set size of one process around a promotion, in MB: all of it (VmRSS) and the anonymous part (RssAnon:
/// heap, not the mapped bundle files).
/// </summary>
public sealed record ResidentMemory(
    [property: JsonPropertyName("before")] double Before,
    [property: JsonPropertyName("peak")] double Peak,
    [property: JsonPropertyName("after")] double After,
    [property: JsonPropertyName("anon_before")] double AnonBefore,
    [property: JsonPropertyName("anon_peak")] double AnonPeak,
    [property: JsonPropertyName("anon_after")] double AnonAfter
);
