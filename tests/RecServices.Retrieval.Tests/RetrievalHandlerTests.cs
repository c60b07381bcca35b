using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RecServices.BundleServing;
using RecServices.Contracts.Common.V1;
using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Core.Bundles;
using RecServices.Retrieval.Services;
using RecServices.ServiceDefaults.Telemetry;
using RecServices.Serving.Retrieval;
using RecServices.Serving.Wire;

namespace RecServices.Retrieval.Tests;

/// <summary>
/// RetrievalService v2's GetCandidates handler, called directly over the test bundle: what it answers and how it refuses.
/// </summary>
public sealed class RetrievalHandlerTests : IDisposable
{
    private static readonly Lazy<Bundle> Served = new(() => Bundle.Load(TestBundle.Path, BundleParts.Retrieval));
    private readonly ServiceProvider _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private static Bundle Bundle => Served.Value;

    [Fact]
    public async Task GetCandidates_ById_AnswersTheSharedGeneratorsCandidatesInOrder_WithoutTheExcluded_ReportingUnknownIds()
    {
        var (service, metrics) = Service();
        var catalog = Bundle.Catalog;
        var recent = new[] { catalog.Items[3].Id, catalog.Items[7].Id };
        var request = new GetCandidatesRequest
        {
            Country = "US",
            MaxCandidateCount = 60,
            RecentItems = ItemReferences.OfIds([.. recent, "no-such-item"]),
            ExcludedItems = ItemReferences.OfIds(recent),
            TopCategories = { catalog.Categories[0] },
        };

        var answer = await service.GetCandidates(request, new TestServerCallContext());

        var context = new UserContext([3, 7], [catalog.Categories[0]], "US", SeenFilter.Of([3, 7]));
        var expected = new CandidateGenerator(Bundle, RetrievalOptions.Default).Generate(context, 60);
        var ids = answer.Candidates.Ids.Ids;
        Assert.Equal(expected.Items.Select(catalog.IdOf), ids);
        Assert.Equal(Bundle.Manifest.Version, answer.BundleVersion);
        Assert.DoesNotContain(ids, recent.Contains);
        Assert.Equal(["no-such-item"], answer.UnknownItemIds);
        Assert.Equal(ids.Count, answer.SourceStarts.Count);
        Assert.Null(answer.ColumnProblem());
        // merged candidates recorded once
        Assert.Equal(expected.Count, metrics.GetMeasurementSnapshot().Single().Value);
    }

    [Fact]
    public async Task GetCandidates_DeadlinePassedBeforeItIsServed_IsDeadlineExceeded_AndNothingIsGenerated()
    {
        var (service, metrics) = Service();
        var request = new GetCandidatesRequest { Country = "US", MaxCandidateCount = 60 };

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            service.GetCandidates(request, new TestServerCallContext(deadline: DateTime.UtcNow.AddSeconds(-1)))
        );

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.Empty(metrics.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task GetCandidates_ItemsTheLiveCatalogHides_AreNotProposed_AndTheQuotasFillFromDeeper()
    {
        var catalog = Bundle.Catalog;
        var request = new GetCandidatesRequest
        {
            Country = "US",
            MaxCandidateCount = 500,
            RecentItems = ItemReferences.OfIds([catalog.IdOf(3), catalog.IdOf(7)]),
            // the category with the longest top list: deeper items to fill from
            TopCategories = { Bundle.Tops!.ByCategory.MaxBy(c => c.Value.Items.Length).Key },
        };
        // the design's recipe (10 per category): the top list goes deeper than the quota
        var answer = await Service(quotas: RetrievalOptions.DesignRecipe)
            .Service.GetCandidates(request, new TestServerCallContext());
        var before = answer.Candidates.Ids.Ids;
        var live = new LiveCatalog();
        // a similar item (its source has no deeper list) and two category tops (theirs does)
        string[] hidden =
        [
            before[0],
            .. Enumerable
                .Range(0, before.Count)
                .Where(i => answer.SourceKinds[answer.SourceStarts[i]] == Contracts.Gateway.V1.SourceKind.Category)
                .Take(2)
                .Select(i => before[i]),
        ];
        live.Apply(new Users.CatalogChanges(1, [.. hidden.Select(id => new Users.CatalogItemState(id, false, false))]));

        var hiding = await Service(live, RetrievalOptions.DesignRecipe)
            .Service.GetCandidates(request, new TestServerCallContext());
        var after = hiding.Candidates.Ids.Ids;

        Assert.DoesNotContain(after, hidden.Contains);
        // the category source takes its whole quota still, from deeper in its top list
        Assert.Equal(CategoryHits(answer), CategoryHits(hiding));
    }

    private static int CategoryHits(GetCandidatesResponse answer) =>
        answer.SourceKinds.Count(kind => kind == Contracts.Gateway.V1.SourceKind.Category);

    [Fact]
    public async Task GetCandidates_ByIndex_AnswersTheSameCandidatesAsIndexesOfThePinnedVersion()
    {
        var (service, _) = Service();
        var version = Bundle.Manifest.Version;
        var byId = new GetCandidatesRequest
        {
            MaxCandidateCount = 60,
            RecentItems = ItemReferences.OfIds([Bundle.Catalog.IdOf(3), Bundle.Catalog.IdOf(7)]),
            ExcludedItems = ItemReferences.OfIds([Bundle.Catalog.IdOf(3)]),
        };
        var byIndex = new GetCandidatesRequest
        {
            BundleVersion = version,
            MaxCandidateCount = 60,
            RecentItems = ItemReferences.OfIndexes(version, [3, 7]),
            ExcludedItems = ItemReferences.OfIndexes(version, [3]),
            AnswerForm = ItemForm.Indexes,
        };

        var ids = await service.GetCandidates(byId, new TestServerCallContext());
        var indexes = await service.GetCandidates(byIndex, new TestServerCallContext());

        Assert.Equal(ItemRefs.RefsOneofCase.Indexes, indexes.Candidates.RefsCase);
        Assert.Equal(version, indexes.Candidates.Indexes.BundleVersion);
        Assert.Equal(ids.Candidates.Ids.Ids, indexes.Candidates.Indexes.Indexes.Select(Bundle.Catalog.IdOf));
        Assert.Equal(ids.SourceKinds, indexes.SourceKinds);
        Assert.Contains(SourceKind.SimilarItems, indexes.SourceKinds);
    }

    [Fact]
    public async Task GetCandidates_BeforeABundleIsServed_IsUnavailableSayingItIsLoading()
    {
        var service = new RetrievalGrpcService(
            new Readiness<RetrievalState>(),
            new LiveCatalog(),
            new RetrievalMetrics(Meters),
            TimeProvider.System
        );

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            service.GetCandidates(new GetCandidatesRequest(), new TestServerCallContext())
        );

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Contains("loading", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCandidates_PinnedToAVersionNotHeld_IsFailedPreconditionNamingTheServedVersion()
    {
        var (service, _) = Service();

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            service.GetCandidates(new GetCandidatesRequest { BundleVersion = "v-other" }, new TestServerCallContext())
        );

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal(Bundle.Manifest.Version, e.Trailers.GetValue(BundleVersions.Trailer));
        var info = e.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!;
        Assert.Equal(
            (BundleVersions.NotHeldReason, BundleVersions.ErrorDomain, "v-other", Bundle.Manifest.Version),
            (info.Reason, info.Domain, info.Metadata["asked"], info.Metadata["served"])
        );
    }

    [Theory]
    [InlineData("answer-unpinned", "bundle_version", "answer_form ITEM_FORM_INDEXES needs bundle_version")]
    [InlineData("past-the-table", "excluded_items.indexes.indexes[0]", "is outside the item table of bundle")]
    [InlineData("indexes-unversioned", "recent_items.indexes.bundle_version", "needs the bundle_version its indexes")]
    [InlineData("indexes-of-another", "recent_items.indexes.bundle_version", "are of bundle 'v-other' but")]
    [InlineData("empty-id", "recent_items.ids[1]", "recent_items.ids[1] must be 1 to 256 characters")]
    public async Task GetCandidates_BadRequest_IsInvalidArgumentNamingTheFieldInBadRequest(
        string fault,
        string field,
        string message
    )
    {
        var (service, _) = Service();
        var version = Bundle.Manifest.Version;
        var request = fault switch
        {
            "answer-unpinned" => new GetCandidatesRequest { AnswerForm = ItemForm.Indexes },
            "past-the-table" => new GetCandidatesRequest
            {
                BundleVersion = version,
                ExcludedItems = ItemReferences.OfIndexes(version, [Bundle.Catalog.Count + FreshItems.MaxSlots]),
            },
            "indexes-unversioned" => new GetCandidatesRequest
            {
                BundleVersion = version,
                RecentItems = ItemReferences.OfIndexes(string.Empty, [1]),
            },
            "indexes-of-another" => new GetCandidatesRequest
            {
                BundleVersion = version,
                RecentItems = ItemReferences.OfIndexes("v-other", [1]),
            },
            _ => new GetCandidatesRequest { RecentItems = ItemReferences.OfIds(["i1", string.Empty]) },
        };

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            service.GetCandidates(request, new TestServerCallContext())
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
        var violation = Assert.Single(e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations);
        Assert.Equal(field, violation.Field);
    }

    public void Dispose() => _provider.Dispose();

    private System.Diagnostics.Metrics.IMeterFactory Meters =>
        _provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    private (RetrievalGrpcService Service, MetricCollector<int> Merged) Service(
        LiveCatalog? live = null,
        RetrievalOptions? quotas = null
    )
    {
        var readiness = new Readiness<RetrievalState>();
        readiness.Swap(new RetrievalState(Bundle, new CandidateGenerator(Bundle, quotas ?? RetrievalOptions.Default)));
        var merged = new MetricCollector<int>(Meters, RecsTelemetry.MeterName, RetrievalMetrics.MergedCandidates);
        return (
            new RetrievalGrpcService(
                readiness,
                live ?? new LiveCatalog(),
                new RetrievalMetrics(Meters),
                TimeProvider.System
            ),
            merged
        );
    }
}
