using System.ComponentModel.DataAnnotations;
using RecServices.Serving.Retrieval;
using RecServices.ServiceDefaults;

namespace RecServices.Gateway;

/// <summary>The gateway's settings (section <c>Recs</c>): the two services it calls, the user store, limits and deadlines.</summary>
public sealed class GatewayOptions : RecsOptions
{
    /// <summary>
    /// The retrieval service: http://host:port for one address, or dns:///host:port to balance round robin over
    /// every address the name resolves to (a Kubernetes headless Service).
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Recs:RetrievalAddress is required, e.g. http://localhost:5111 or dns:///retrieval:5111")]
    [ServiceAddress]
    public string RetrievalAddress { get; set; } = string.Empty;

    /// <summary>The ranking service, e.g. http://localhost:5121 or dns:///ranking:5121 (see <see cref="RetrievalAddress"/>).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Recs:RankingAddress is required, e.g. http://localhost:5121 or dns:///ranking:5121")]
    [ServiceAddress]
    public string RankingAddress { get; set; } = string.Empty;

    /// <summary>Seconds between DNS lookups of dns:/// addresses (new pods are found within this time).</summary>
    [Range(1, 3600, ErrorMessage = "Recs:DnsRefreshSeconds must be between 1 and 3600")]
    public int DnsRefreshSeconds { get; set; } = 15;

    /// <summary>The SQLite file of the user store (created and seeded from the bundle when new).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Recs:UserStorePath is required: the SQLite file of the user store")]
    public string UserStorePath { get; set; } = string.Empty;

    /// <summary>Items returned when a request's count is 0.</summary>
    [Range(1, 1000, ErrorMessage = "Recs:DefaultCount must be between 1 and 1000")]
    public int DefaultCount { get; set; } = 10;

    /// <summary>The largest count a request may ask for.</summary>
    [Range(1, 1000, ErrorMessage = "Recs:MaxCount must be between 1 and 1000")]
    public int MaxCount { get; set; } = 100;

    /// <summary>Candidates asked of retrieval.</summary>
    [Range(1, RetrievalOptions.CandidateCapLimit, ErrorMessage = "Recs:CandidateCount must be between 1 and 5000")]
    public int CandidateCount { get; set; } = RetrievalOptions.DefaultCandidateCap;

    /// <summary>Attempts per call to retrieval or ranking when the answer is UNAVAILABLE (1 = no retry).</summary>
    [Range(1, 5, ErrorMessage = "Recs:CallAttempts must be between 1 and 5 (1 = no retry)")]
    public int CallAttempts { get; set; } = 3;

    /// <summary>Deadline of the retrieval call, in milliseconds.</summary>
    [Range(1, 60_000, ErrorMessage = "Recs:RetrievalTimeoutMs must be between 1 and 60000")]
    public int RetrievalTimeoutMs { get; set; } = 1_000;

    /// <summary>Deadline of the ranking call, in milliseconds.</summary>
    [Range(1, 60_000, ErrorMessage = "Recs:RankingTimeoutMs must be between 1 and 60000")]
    public int RankingTimeoutMs { get; set; } = 1_000;
}
