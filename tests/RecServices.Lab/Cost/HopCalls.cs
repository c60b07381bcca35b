using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using RecServices.Contracts.Ranking.V2;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Core.Bundles;
using RecServices.Gateway.Services;
using RecServices.Lab.Load;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Retrieval;

namespace RecServices.Lab.Cost;

/// <summary>
/// Retrieval's GetCandidates and ranking's RankCandidates called directly, each with the request the gateway would
/// send for the same users (<see cref="BackendRequests"/>, built from their stored histories), so that each hop is
/// timed alone. The ranking requests carry the candidates retrieval proposed for those users, through the gateway's
/// own filter.
/// </summary>
public sealed class HopCalls : IDisposable
{
    private readonly GrpcChannel _retrievalChannel;
    private readonly GrpcChannel _rankingChannel;
    private readonly RetrievalService.RetrievalServiceClient _retrieval;
    private readonly RankingService.RankingServiceClient _ranking;
    private readonly Health.HealthClient _retrievalHealth;
    private readonly Health.HealthClient _rankingHealth;
    private readonly GetCandidatesRequest[] _candidateRequests;
    private RankCandidatesRequest[] _rankRequests = [];

    private HopCalls(string retrievalAddress, string rankingAddress, GetCandidatesRequest[] requests)
    {
        _retrievalChannel = GrpcChannel.ForAddress(retrievalAddress);
        _rankingChannel = GrpcChannel.ForAddress(rankingAddress);
        _retrieval = new RetrievalService.RetrievalServiceClient(_retrievalChannel);
        _ranking = new RankingService.RankingServiceClient(_rankingChannel);
        _retrievalHealth = new Health.HealthClient(_retrievalChannel);
        _rankingHealth = new Health.HealthClient(_rankingChannel);
        _candidateRequests = requests;
    }

    /// <summary>
    /// The requests for <paramref name="users"/> (index, profile, history oldest first) pinned to
    /// <paramref name="bundle"/>'s version (by item index, as the gateway sends them), with the gateway's defaults
    /// (history limit, candidate count, top 10); asks retrieval once per user for the ranking requests.
    /// </summary>
    public static async Task<HopCalls> CreateAsync(
        string retrievalAddress,
        string rankingAddress,
        Bundle bundle,
        IReadOnlyList<(Core.Data.User Profile, int[] History)> users,
        int count,
        CancellationToken cancellationToken
    )
    {
        var catalog = bundle.Catalog;
        var served = ServedItems.Of(catalog);
        var contexts = new UserContextFactory(catalog, RetrievalOptions.Default);
        var asked = users
            .Select(u =>
            {
                var history = TwoStagePipeline.Newest(u.History);
                var context = contexts.Create(history, u.Profile.Country);
                return (
                    u.Profile,
                    History: history,
                    context.Seen,
                    Request: BackendRequests.Candidates(
                        bundle,
                        served,
                        context,
                        history,
                        u.Profile.Age,
                        u.Profile.Gender,
                        RetrievalOptions.DefaultCandidateCap,
                        bundle.Manifest.Version
                    )
                );
            })
            .ToArray();
        var calls = new HopCalls(retrievalAddress, rankingAddress, asked.Select(a => a.Request).ToArray());
        var rank = new List<RankCandidatesRequest>(users.Count);
        foreach (var (profile, history, excluded, request) in asked)
        {
            // Retrieval's answer through the gateway's own filter, as the gateway would send it on.
            var answer = await calls._retrieval.GetCandidatesAsync(
                request,
                deadline: DateTime.UtcNow.AddSeconds(30),
                cancellationToken: cancellationToken
            );
            var candidates = FilteredCandidates.Of(new RetrievedCandidates(answer), served, excluded).Candidates;
            if (candidates.Count > 0)
            {
                rank.Add(
                    BackendRequests.Rank(
                        bundle,
                        served,
                        history,
                        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates),
                        profile.Age,
                        profile.Gender,
                        count,
                        answer.BundleVersion
                    )
                );
            }
        }

        calls._rankRequests = [.. rank];
        if (calls._rankRequests.Length == 0)
        {
            throw new InvalidOperationException(
                "retrieval proposed no candidates for any sampled user: nothing to rank"
            );
        }

        return calls;
    }

    public async Task GetCandidatesAsync(int worker, long sequence, CancellationToken cancellationToken) =>
        await _retrieval.GetCandidatesAsync(
            _candidateRequests[ClosedLoop.Spread(worker, sequence, _candidateRequests.Length)],
            deadline: DateTime.UtcNow.AddSeconds(10),
            cancellationToken: cancellationToken
        );

    /// <summary>One RankCandidates, its whole stream read.</summary>
    public async Task RankCandidatesAsync(int worker, long sequence, CancellationToken cancellationToken)
    {
        using var call = _ranking.RankCandidates(
            _rankRequests[ClosedLoop.Spread(worker, sequence, _rankRequests.Length)],
            deadline: DateTime.UtcNow.AddSeconds(10),
            cancellationToken: cancellationToken
        );
        await foreach (var _ in call.ResponseStream.ReadAllAsync(cancellationToken)) { }
    }

    /// <summary>The floor on retrieval's process: grpc.health.v1 Check.</summary>
    public async Task RetrievalHealthAsync(int worker, long sequence, CancellationToken cancellationToken) =>
        await _retrievalHealth.CheckAsync(
            new HealthCheckRequest(),
            deadline: DateTime.UtcNow.AddSeconds(10),
            cancellationToken: cancellationToken
        );

    /// <summary>The floor on ranking's process: grpc.health.v1 Check.</summary>
    public async Task RankingHealthAsync(int worker, long sequence, CancellationToken cancellationToken) =>
        await _rankingHealth.CheckAsync(
            new HealthCheckRequest(),
            deadline: DateTime.UtcNow.AddSeconds(10),
            cancellationToken: cancellationToken
        );

    public void Dispose()
    {
        _retrievalChannel.Dispose();
        _rankingChannel.Dispose();
    }
}
