using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using RecServices.Contracts.Ranking.V1;
using RecServices.Core.Bundles;
using RecServices.LocalSystem;
using RecServices.Serving.Retrieval;

namespace RecServices.FunctionalTests;

/// <summary>
/// A backend down, hung or not yet loaded: the degraded answers and statuses the gateway gives instead of failing.
/// </summary>
public sealed class DegradedTests
{
    /// <summary>
    /// Ranking down: the list is retrieval's candidates in retrieval order, the user's items left out, each marked
    /// degraded: exactly what the candidate generator the services share gives for the user's history in process.
    /// </summary>
    [Fact]
    public async Task Recommend_RankingStopped_StreamsRetrievalOrderMarkedDegraded()
    {
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path);
        var bundle = Bundle.Load(TestBundle.Path);
        await system.StopRankingAsync();

        var items = await system.RecommendAsync("u5", 15);

        Assert.Equal(15, items.Count);
        Assert.All(items, i => Assert.True(i.Degraded));
        Assert.All(items, i => Assert.StartsWith("ranking unavailable", i.DegradedReason));
        Assert.Equal(Enumerable.Range(1, 15), items.Select(i => i.Rank));

        var u5 = bundle.Users!.Select((u, index) => (u.Id, index)).Single(u => u.Id == "u5").index;
        var history = TestBundle.Histories(bundle).Of(u5).ToArray();
        var context = new UserContextFactory(bundle.Catalog, RetrievalOptions.Default).Create(
            history,
            bundle.Users![u5].Country
        );
        var retrievalOrder = new CandidateGenerator(bundle, RetrievalOptions.Default)
            .Generate(context, RetrievalOptions.Default.DefaultMaxCandidates)
            .Items.Select(i => bundle.Catalog.Items[i].Id)
            .ToList();
        Assert.Equal(retrievalOrder.Take(15), items.Select(i => i.ItemId));
        Assert.DoesNotContain(items, i => history.Contains(bundle.Catalog.Index[i.ItemId]));
        Assert.All(items, i => Assert.NotEmpty(i.Sources));
    }

    [Fact]
    public async Task Recommend_RetrievalStopped_StreamsPopularItemsMarkedDegraded()
    {
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path);
        var bundle = Bundle.Load(TestBundle.Path);
        await system.StopRetrievalAsync();

        var items = await system.RecommendAsync("u5", 10);

        Assert.Equal(10, items.Count);
        Assert.All(items, i => Assert.True(i.Degraded));
        Assert.All(items, i => Assert.StartsWith("retrieval unavailable", i.DegradedReason));
        var u5 = bundle.Users!.Select((u, index) => (u.Id, index)).Single(u => u.Id == "u5").index;
        var seen = TestBundle.Histories(bundle).Of(u5).ToArray().Select(i => bundle.Catalog.Items[i].Id).ToHashSet();
        var expected = bundle
            .Tops!.Global.Items.Select(i => bundle.Catalog.Items[i].Id)
            .Where(id => !seen.Contains(id))
            .Take(10);
        Assert.Equal(expected, items.Select(i => i.ItemId));
    }

    /// <summary>
    /// A ranking that hangs (every call held): the first calls each wait out the ranking deadline and answer in
    /// retrieval order; once the breaker opens, calls answer degraded at once without calling ranking at all.
    /// </summary>
    [Fact]
    public async Task Recommend_RankingHangs_AfterTheBreakerOpensCallsSkipItAndAnswerAtOnce()
    {
        var gate = new LoadSheddingTests.HeldRanking();
        await using var system = await ServiceSystem.StartAsync(
            TestBundle.Path,
            ["--Recs:RankingTimeoutMs=300", "--Recs:BreakerFailures=2", "--Recs:BreakerOpenMs=60000"],
            services =>
            {
                services.AddSingleton(gate);
                services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(o =>
                    o.Interceptors.Add<LoadSheddingTests.HeldRanking.Interceptor>()
                );
            }
        );

        var waited = new[] { await system.RecommendAsync("u1", 5), await system.RecommendAsync("u2", 5) };
        var skipped = new[] { await system.RecommendAsync("u3", 5), await system.RecommendAsync("u4", 5) };
        var calledRanking = gate.Waiting;
        gate.Release();

        Assert.All(
            waited.SelectMany(l => l),
            i => Assert.Equal("ranking unavailable (DeadlineExceeded): retrieval order", i.DegradedReason)
        );
        Assert.All(skipped, l => Assert.Equal(5, l.Count));
        Assert.All(
            skipped.SelectMany(l => l),
            i => Assert.Equal("ranking skipped after repeated failures: retrieval order", i.DegradedReason)
        );
        Assert.Equal(2, calledRanking); // the skipped calls never reached ranking
    }

    [Fact]
    public async Task Health_BeforeTheBundleLoads_IsNotServingAndRpcsAreUnavailable()
    {
        var empty = Directory.CreateTempSubdirectory("recs-pending-").FullName;
        var ports = HostPorts.Free();
        await using var ranking = Ranking.RankingApp.Build(ServiceSystem.Args(empty, ports));
        await ranking.StartAsync().WithTimeout();
        try
        {
            Assert.Equal(
                HealthCheckResponse.Types.ServingStatus.NotServing,
                await ServiceSystem.HealthAsync(ports.Grpc).WithTimeout()
            );
            using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{ports.Grpc}");
            var request = new RankCandidatesRequest { CandidateItemIds = { "i1" } };
            var e = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                using var call = new RankingService.RankingServiceClient(channel).RankCandidates(request);
                await call.ResponseStream.MoveNext().WithTimeout();
            });
            Assert.Equal(StatusCode.Unavailable, e.StatusCode);
            Assert.Contains("could not be loaded", e.Status.Detail);

            // The bundle arrives (a training Job finished writing it): the service picks it up.
            foreach (var file in Directory.EnumerateFiles(TestBundle.Path))
            {
                File.Copy(file, Path.Combine(empty, Path.GetFileName(file)));
            }

            await TaskTimeouts.Until(
                async () =>
                    await ServiceSystem.HealthAsync(ports.Grpc) == HealthCheckResponse.Types.ServingStatus.Serving,
                "the ranking service to load the bundle"
            );
        }
        finally
        {
            await ranking.StopAsync().WithTimeout();
            Directory.Delete(empty, recursive: true);
        }
    }
}
