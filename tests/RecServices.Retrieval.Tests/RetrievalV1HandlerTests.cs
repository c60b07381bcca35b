using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RecServices.BundleServing;
using RecServices.Contracts.Retrieval.V1;
using RecServices.Core.Bundles;
using RecServices.Retrieval.Services;
using RecServices.ServiceDefaults.Telemetry;
using RecServices.Serving.Retrieval;
using Wire = RecServices.Contracts.Retrieval.V1.SourceKind;

namespace RecServices.Retrieval.Tests;

/// <summary>
/// RetrievalService v1, still served beside v2 for callers built before it: it answers as v2 does, in its own
/// columns and kinds, and refuses naming its own fields.
/// </summary>
public sealed class RetrievalV1HandlerTests : IDisposable
{
    private static readonly Lazy<Bundle> Served = new(() => Bundle.Load(TestBundle.Path, BundleParts.Retrieval));
    private readonly ServiceProvider _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private static Bundle Bundle => Served.Value;

    [Fact]
    public async Task GetCandidates_ById_AnswersTheSharedGeneratorsCandidatesInOrder_InV1Columns()
    {
        var (service, metrics) = Service();
        var catalog = Bundle.Catalog;
        var recent = new[] { catalog.Items[3].Id, catalog.Items[7].Id };
        var request = new GetCandidatesRequest { Country = "US", MaxCandidateCount = 60 };
        request.RecentItemIds.AddRange(recent);
        request.RecentItemIds.Add("no-such-item");
        request.ExcludedItemIds.AddRange(recent);
        request.TopCategories.Add(catalog.Categories[0]);

        var answer = await service.GetCandidates(request, new TestServerCallContext());

        var context = new UserContext([3, 7], [catalog.Categories[0]], "US", SeenFilter.Of([3, 7]));
        var expected = new CandidateGenerator(Bundle, RetrievalOptions.Default).Generate(context, 60);
        Assert.Equal(expected.Items.Select(catalog.IdOf), answer.ItemIds);
        Assert.Equal(Bundle.Manifest.Version, answer.BundleVersion);
        Assert.DoesNotContain(answer.ItemIds, recent.Contains);
        Assert.Equal(["no-such-item"], answer.UnknownItemIds);
        Assert.Equal(answer.ItemIds.Count, answer.SourceStarts.Count);
        // merged candidates recorded once
        Assert.Equal(expected.Count, metrics.GetMeasurementSnapshot().Single().Value);
    }

    [Fact]
    public async Task GetCandidates_CallerOfTheDeprecatedTopGenres_GetsTheSameCandidatesUnderTheKindItKnows()
    {
        var (service, _) = Service();
        var category = Bundle.Catalog.Categories[0];
        var current = new GetCandidatesRequest { MaxCandidateCount = 60 };
        current.TopCategories.Add(category);
#pragma warning disable CS0612 // the deprecated field and kind, as a caller built before top_categories uses them
        var legacy = new GetCandidatesRequest { MaxCandidateCount = 60 };
        legacy.TopGenres.Add(category);

        var now = await service.GetCandidates(current, new TestServerCallContext());
        var before = await service.GetCandidates(legacy, new TestServerCallContext());

        Assert.Equal(now.ItemIds, before.ItemIds);
        Assert.Contains(Wire.Category, now.SourceKinds);
        Assert.DoesNotContain(Wire.Genre, now.SourceKinds);
        Assert.Equal(now.SourceKinds.Select(k => k == Wire.Category ? Wire.Genre : k), before.SourceKinds);
#pragma warning restore CS0612
    }

    [Theory]
    [InlineData(true, "", "answer_with_indexes needs bundle_version")]
    [InlineData(false, "self", "excluded_item_indexes")]
    public async Task GetCandidates_BadRequest_IsInvalidArgumentSayingWhatToSend(
        bool indexesWithoutVersion,
        string version,
        string message
    )
    {
        var (service, _) = Service();
        var request = new GetCandidatesRequest
        {
            AnswerWithIndexes = indexesWithoutVersion,
            BundleVersion = version == "self" ? Bundle.Manifest.Version : version,
        };
        if (!indexesWithoutVersion)
        {
            request.ExcludedItemIndexes.Add(Bundle.Catalog.Count); // one past the table
        }

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            service.GetCandidates(request, new TestServerCallContext())
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
    }

    public void Dispose() => _provider.Dispose();

    private System.Diagnostics.Metrics.IMeterFactory Meters =>
        _provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    private (RetrievalV1GrpcService Service, MetricCollector<int> Merged) Service()
    {
        var readiness = new Readiness<RetrievalState>();
        readiness.Swap(new RetrievalState(Bundle, new CandidateGenerator(Bundle, RetrievalOptions.Default)));
        var merged = new MetricCollector<int>(Meters, RecsTelemetry.MeterName, RetrievalMetrics.MergedCandidates);
        var current = new RetrievalGrpcService(
            readiness,
            new LiveCatalog(),
            new RetrievalMetrics(Meters),
            TimeProvider.System
        );
        return (new RetrievalV1GrpcService(readiness, current), merged);
    }
}
