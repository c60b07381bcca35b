using System.Globalization;
using RecServices.Cli.Commands;
using RecServices.Core.Evaluation;
using RecServices.Evaluation;
using RecServices.LocalSystem;

namespace RecServices.Lab.Commands;

/// <summary>
/// <c>recs sweep --via-grpc</c>: for each quota scale, starts retrieval (with that scale), ranking and the
/// gateway as three processes on loopback over the sweep's test bundle, warms them up for 10 s, then requests every
/// test user's list in turn and times each call; the lists are compared with the in-process ones.
/// </summary>
public sealed class GrpcSweepProbe(Action<string> log) : IServedProbe
{
    /// <summary>
    /// Unmeasured requests first: the services' tiered JIT takes about this long to settle (docs/performance.md).
    /// </summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    public async Task<ServedMeasurement> MeasureAsync(
        string bundleDirectory,
        double quotaScale,
        int embeddingQuota,
        int maxCandidates,
        int k,
        Measurement inProcess,
        CancellationToken cancellationToken
    )
    {
        var c = CultureInfo.InvariantCulture;
        log(string.Create(c, $"starting retrieval (quota scale {quotaScale}), ranking and gateway on loopback"));
        await using var services = await LocalServices.StartAsync(
            bundleDirectory,
            retrievalSettings:
            [
                string.Create(c, $"--Recs:QuotaScale={quotaScale}"),
                string.Create(c, $"--Recs:EmbeddingQuota={embeddingQuota}"),
            ],
            gatewaySettings:
            [
                string.Create(c, $"--Recs:CandidateCount={maxCandidates}"),
                "--Recs:RetrievalTimeoutMs=10000",
                "--Recs:RankingTimeoutMs=10000",
            ],
            cancellationToken: cancellationToken
        );
        var users = inProcess.Lists.Select(l => l.User).ToList();
        var warmUsers = users.Take(100).ToList();
        var warming = System.Diagnostics.Stopwatch.StartNew();
        while (warming.Elapsed < WarmUp)
        {
            await GatewayLists.FetchAsync(services.GatewayAddress, warmUsers, k, cancellationToken);
        }

        var (lists, latencies) = await GatewayLists.FetchAsync(services.GatewayAddress, users, k, cancellationToken);
        var differing = inProcess
            .Lists.Where((l, i) => !l.Items.SequenceEqual(lists[i], StringComparer.Ordinal))
            .Count();
        Array.Sort(latencies);
        return new ServedMeasurement(
            latencies.Length,
            Percentiles.Of(latencies, 0.5),
            Percentiles.Of(latencies, 0.9),
            Percentiles.Of(latencies, 0.99),
            differing
        );
    }
}
