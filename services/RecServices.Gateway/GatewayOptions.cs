using System.ComponentModel.DataAnnotations;
using RecServices.BundleServing;
using RecServices.Gateway.Auth;
using RecServices.GrpcHardening;
using RecServices.ServiceDefaults.Tls;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Retrieval;
using RecServices.Users;

namespace RecServices.Gateway;

/// <summary>
/// The gateway's settings (section <c>Recs</c>): the two services it calls, the user store, limits and deadlines.
/// </summary>
public sealed class GatewayOptions : StoreOptions
{
    /// <summary>
    /// The gateway faces outside callers: small requests, and their traceparent does not force sampling. It keeps the
    /// users, in the embedded SQLite store unless told otherwise.
    /// </summary>
    public GatewayOptions()
    {
        MaxRequestBytes = DefaultMaxRequestBytes;
        TrustTraceParent = false;
        UserStore = SqliteStore;
    }

    /// <summary>The gateway's largest request message: its requests are ids and a few numbers (under 1 KB).</summary>
    public const int DefaultMaxRequestBytes = 64 * 1024;

    /// <summary>
    /// The largest request of the catalog service (operators' bulk calls: 10,000 ids of SetAvailability, 1,000
    /// items of UpsertItems with their metadata); larger ones are RESOURCE_EXHAUSTED (send fewer items a call).
    /// </summary>
    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "Recs:MaxCatalogRequestBytes must be between 1024 and 67108864")]
    public int MaxCatalogRequestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// The retrieval service: http://host:port for one address, or dns:///host:port to balance round robin over
    /// every address the name resolves to (a Kubernetes headless Service).
    /// </summary>
    [Required(
        AllowEmptyStrings = false,
        ErrorMessage = "Recs:RetrievalAddress is required, e.g. http://localhost:5111 or dns:///retrieval:5111"
    )]
    [ServiceAddress]
    public string RetrievalAddress { get; set; } = string.Empty;

    /// <summary>
    /// The ranking service, e.g. http://localhost:5121 or dns:///ranking:5121 (see <see cref="RetrievalAddress"/>).
    /// </summary>
    [Required(
        AllowEmptyStrings = false,
        ErrorMessage = "Recs:RankingAddress is required, e.g. http://localhost:5121 or dns:///ranking:5121"
    )]
    [ServiceAddress]
    public string RankingAddress { get; set; } = string.Empty;

    /// <summary>Seconds between DNS lookups of dns:/// addresses (new pods are found within this time).</summary>
    [Range(1, 3600, ErrorMessage = "Recs:DnsRefreshSeconds must be between 1 and 3600")]
    public int DnsRefreshSeconds { get; set; } = 15;

    /// <summary>
    /// How long an event id is remembered for idempotent retries (redis store; d.hh:mm:ss). A retry after it is
    /// recorded as a new interaction: the history is unchanged (an item is in it once), the log has one more entry.
    /// </summary>
    [Range(
        typeof(TimeSpan),
        "00:01:00",
        "365.00:00:00",
        ErrorMessage = "Recs:EventIdRetention must be between 00:01:00 and 365.00:00:00 (d.hh:mm:ss)"
    )]
    public TimeSpan EventIdRetention { get; set; } = UserStoreLimits.DefaultEventIdRetention;

    /// <summary>
    /// Recorded interactions kept per user in the interaction log, and event ids remembered per user (redis store):
    /// older ones are dropped as the user writes, so one caller looping writes cannot grow the store without bound.
    /// </summary>
    [Range(100, 10_000_000, ErrorMessage = "Recs:InteractionLogPerUser must be between 100 and 10000000")]
    public int InteractionLogPerUser { get; set; } = UserStoreLimits.DefaultLogPerUser;

    /// <summary>
    /// The budget of one call to the user store, in milliseconds (never past the caller's deadline). A store that does
    /// not answer within it counts as failing: Recommend answers the popular items marked degraded, a write answers
    /// UNAVAILABLE (retry with the same event id), and after <see cref="BreakerFailures"/> such calls in a row the
    /// store is skipped between probes like a backend.
    /// </summary>
    [Range(10, 60_000, ErrorMessage = "Recs:UserStoreTimeoutMs must be between 10 and 60000")]
    public int UserStoreTimeoutMs { get; set; } = 500;

    /// <summary>
    /// The newest distinct items of a user's history that serving reads (for the candidate sources and the user tower).
    /// Seen-item filtering still removes every item the user ever interacted with.
    /// </summary>
    [Range(1, RequestChecks.MaxListLength, ErrorMessage = "Recs:HistoryLimit must be between 1 and 10000")]
    public int HistoryLimit { get; set; } = TwoStagePipeline.DefaultHistoryLimit;

    /// <summary>Items returned when a request's count is 0.</summary>
    [Range(1, 1000, ErrorMessage = "Recs:DefaultCount must be between 1 and 1000")]
    public int DefaultCount { get; set; } = 10;

    /// <summary>The largest count a request may ask for.</summary>
    [Range(1, 1000, ErrorMessage = "Recs:MaxCount must be between 1 and 1000")]
    public int MaxCount { get; set; } = 100;

    /// <summary>
    /// Places of each list kept for items added through the catalog service after the bundle was built (the best of
    /// the candidates among them), when the list would hold fewer: items known only from their metadata rarely
    /// outscore the ones the towers learned (docs/quality.md, "Items added after training"). 0 reserves none.
    /// </summary>
    [Range(0, 1000, ErrorMessage = "Recs:FreshSlots must be between 0 and 1000")]
    public int FreshSlots { get; set; } = Serving.Ranking.Ranker.DefaultFreshSlots;

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

    /// <summary>
    /// The longest wait between attempts to reconnect to a backend that went away, in milliseconds (gRPC's own default
    /// grows to two minutes: after a long outage, full answers would resume that long after the backend is back).
    /// </summary>
    [Range(100, 120_000, ErrorMessage = "Recs:MaxReconnectBackoffMs must be between 100 and 120000")]
    public int MaxReconnectBackoffMs { get; set; } = 1_000;

    /// <summary>
    /// Failures in a row of retrieval (or of ranking) after which the gateway stops calling it for
    /// <see cref="BreakerOpenMs"/> and answers degraded at once (a circuit breaker: a backend that hangs would
    /// otherwise cost every call its whole deadline); then one call probes it. 0: never stop calling.
    /// </summary>
    [Range(0, 1000, ErrorMessage = "Recs:BreakerFailures must be between 0 (off) and 1000")]
    public int BreakerFailures { get; set; } = 5;

    /// <summary>How long an open breaker skips its backend before a probe, in milliseconds.</summary>
    [Range(10, 60_000, ErrorMessage = "Recs:BreakerOpenMs must be between 10 and 60000")]
    public int BreakerOpenMs { get; set; } = 250;

    /// <summary>
    /// Recommend and RecordInteraction calls the gateway serves at once; one more is answered RESOURCE_EXHAUSTED at
    /// once (load shedding, <see cref="Services.Admission"/>). 0: no limit.
    /// </summary>
    [Range(0, 100_000, ErrorMessage = "Recs:MaxConcurrentCalls must be between 0 (no limit) and 100000")]
    public int MaxConcurrentCalls { get; set; } = 64;

    /// <summary>
    /// RecordInteraction calls one caller (the token's user claim, else the peer's address) may make per second on
    /// one gateway replica; past it (and <see cref="WriteBurstPerCaller"/>), RESOURCE_EXHAUSTED with the wait. A
    /// service writing for many users through one token needs a rate to match. 0: no limit.
    /// </summary>
    [Range(0, 1_000_000, ErrorMessage = "Recs:WritesPerSecondPerCaller must be between 0 (no limit) and 1000000")]
    public int WritesPerSecondPerCaller { get; set; } = 200;

    /// <summary>Writes one caller may make at once above the steady rate (the token bucket's size).</summary>
    [Range(1, 1_000_000, ErrorMessage = "Recs:WriteBurstPerCaller must be between 1 and 1000000")]
    public int WriteBurstPerCaller { get; set; } = 400;

    /// <summary>
    /// TLS towards retrieval and ranking (section <c>Recs:BackendTls</c>; off by default): their CA, and the gateway's
    /// client certificate (mutual TLS). With it, the addresses are https://host:port or dns:///host:port.
    /// </summary>
    public ClientTlsOptions BackendTls { get; set; } = new();

    /// <summary>Authentication of callers with JWT bearer tokens (section <c>Recs:Auth</c>; off by default).</summary>
    public AuthOptions Auth { get; set; } = new();

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var problem in Auth.Problems().Concat(BackendTls.Problems("Recs:BackendTls")))
        {
            yield return new ValidationResult(problem);
        }

        foreach (
            var (name, address) in new[] { ("RetrievalAddress", RetrievalAddress), ("RankingAddress", RankingAddress) }
        )
        {
            var scheme = Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri.Scheme : null;
            if (BackendTls.Enabled && scheme == Uri.UriSchemeHttp)
            {
                yield return new ValidationResult(
                    $"Recs:{name} '{address}' is cleartext but Recs:BackendTls is set: use "
                        + $"https://host:port or dns:///host:port"
                );
            }
            else if (!BackendTls.Enabled && scheme == Uri.UriSchemeHttps)
            {
                yield return new ValidationResult(
                    $"Recs:{name} '{address}' needs Recs:BackendTls:CaPath: the CA its certificate chains to"
                );
            }
        }

        if (Auth.Enabled && !Tls.Enabled && !Auth.AllowWithoutTls)
        {
            yield return new ValidationResult(
                "Recs:Auth:Enabled=true needs TLS on the gRPC port (Recs:Tls): bearer tokens must not cross the "
                    + "network in clear text. Behind a mesh that encrypts between pods, set "
                    + "Recs:Auth:AllowWithoutTls=true"
            );
        }

        if (UserStore.Length == 0)
        {
            yield return new ValidationResult(
                "Recs:UserStore is required on the gateway: \"sqlite\" (with Recs:UserStorePath) or \"redis\" (with "
                    + "Recs:Redis)"
            );
        }

        foreach (var result in base.Validate(validationContext))
        {
            yield return result;
        }
    }
}
