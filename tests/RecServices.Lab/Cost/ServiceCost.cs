using System.Text.Json.Serialization;

namespace RecServices.Lab.Cost;

/// <summary>
/// One service's start: seconds from process start to SERVING (started alone), resident memory then and after the
/// calls, and the bytes of the bundle files it loads.
/// </summary>
public sealed record ServiceCost(
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("ready_seconds")] double ReadySeconds,
    [property: JsonPropertyName("table_bytes")] long TableBytes,
    [property: JsonPropertyName("rss_ready_bytes")] long RssReadyBytes,
    [property: JsonPropertyName("rss_after_calls_bytes")] long RssAfterCallsBytes,
    [property: JsonPropertyName("rss_after_calls_anonymous_bytes")] long RssAfterCallsAnonymousBytes,
    [property: JsonPropertyName("rss_after_calls_file_bytes")] long RssAfterCallsFileBytes
)
{
    /// <summary>Resident memory after the calls over the bytes of its tables.</summary>
    [JsonPropertyName("rss_over_tables")]
    public double RssOverTables => Math.Round(RssAfterCallsBytes / (double)Math.Max(1, TableBytes), 2);
}
