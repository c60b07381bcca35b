using Grpc.Core;
using RecServices.BundleServing;
using RecServices.Contracts.Common.V1;
using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Ranking.V2;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Core.Bundles;
using RecServices.Serving.Wire;

namespace RecServices.FunctionalTests;

/// <summary>
/// Retrieval's and ranking's v2 contracts over gRPC, as the gateway calls them: item references by index answer what
/// ids answer, the ranking stream's oneof, and the <c>google.rpc</c> details a client reads without parsing text.
/// </summary>
public sealed class ServiceContractTests(InMemorySystemFixture fixture) : IClassFixture<InMemorySystemFixture>
{
    private static readonly Bundle Catalog = Bundle.Load(TestBundle.Path, BundleParts.Catalog);

    [Fact]
    public async Task GetCandidates_ByIndex_AnswersAsIndexesOfThePinnedVersion_WhatIdsAnswer()
    {
        var (catalog, version) = (Catalog.Catalog, Catalog.Manifest.Version);
        int[] recent = [1, 2, 3];
        int[] excluded = [1, 2, 3, 4];
        var byId = new GetCandidatesRequest
        {
            RecentItems = ItemReferences.OfIds(recent.Select(catalog.IdOf)),
            ExcludedItems = ItemReferences.OfIds(excluded.Select(catalog.IdOf)),
            TopCategories = { catalog.Categories[0] },
            Country = "US",
        };
        var byIndex = new GetCandidatesRequest
        {
            BundleVersion = version,
            RecentItems = ItemReferences.OfIndexes(version, recent),
            ExcludedItems = ItemReferences.OfIndexes(version, excluded),
            TopCategories = { catalog.Categories[0] },
            Country = "US",
            AnswerForm = ItemForm.Indexes,
        };

        var ids = await fixture.System.RetrievalClient.GetCandidatesAsync(byId).ResponseAsync.WithTimeout();
        var indexes = await fixture.System.RetrievalClient.GetCandidatesAsync(byIndex).ResponseAsync.WithTimeout();

        Assert.Null(ids.ColumnProblem());
        Assert.Null(indexes.ColumnProblem());
        Assert.NotEmpty(ids.Candidates.Ids.Ids);
        Assert.Equal(version, indexes.Candidates.Indexes.BundleVersion);
        Assert.Equal(ids.Candidates.Ids.Ids, indexes.Candidates.Indexes.Indexes.Select(catalog.IdOf));
        Assert.Equal(ids.SourceKinds, indexes.SourceKinds);
        Assert.Equal(
            Enumerable.Range(0, ids.SourceKinds.Count).Select(ids.SourceKey),
            Enumerable.Range(0, indexes.SourceKinds.Count).Select(indexes.SourceKey)
        );
        Assert.Contains(SourceKind.SimilarItems, ids.SourceKinds);
    }

    [Fact]
    public async Task RankCandidates_StreamsRankedItemsInTheFormSent_ThenTheUnknownIdsAsTheirOwnMessage()
    {
        var (catalog, version) = (Catalog.Catalog, Catalog.Manifest.Version);
        var byId = new RankCandidatesRequest
        {
            History = ItemReferences.OfIds(["i4", "ghost"]),
            Candidates = ItemReferences.OfIds(["i1", "no-such-item", "i2", "i3", "i1"]),
        };
        var byIndex = new RankCandidatesRequest
        {
            BundleVersion = version,
            History = ItemReferences.OfIndexes(version, [catalog.Index["i4"]]),
            Candidates = ItemReferences.OfIndexes(version, new[] { "i1", "i2", "i3" }.Select(id => catalog.Index[id])),
        };

        var ids = await Streams.ReadAllAsync(fixture.System.RankingClient.RankCandidates(byId));
        var indexes = await Streams.ReadAllAsync(fixture.System.RankingClient.RankCandidates(byIndex));

        var ranked = ids.Where(r => r.ResultCase == RankCandidatesResponse.ResultOneofCase.Item).ToList();
        Assert.Equal(["i1", "i2", "i3"], ranked.Select(r => r.Item.ItemId).Order());
        Assert.Equal([1, 2, 3], ranked.Select(r => r.Item.Rank));
        Assert.Equal(RankCandidatesResponse.ResultOneofCase.UnknownItems, ids[^1].ResultCase);
        Assert.Equal(["no-such-item"], ids[^1].UnknownItems.ItemIds);
        Assert.Equal(ranked.Select(r => r.Item.ItemId), indexes.Select(r => catalog.IdOf(r.Item.ItemIndex)));
        Assert.All(indexes, r => Assert.Equal(RankedItem.RefOneofCase.ItemIndex, r.Item.RefCase));
    }

    [Fact]
    public async Task RankCandidates_IndexesOfAnotherVersion_IsInvalidArgument_WithTheFieldInBadRequest()
    {
        var version = Catalog.Manifest.Version;
        var request = new RankCandidatesRequest
        {
            BundleVersion = version,
            Candidates = ItemReferences.OfIndexes("v-before", [1, 2]),
        };

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Streams.ReadAllAsync(fixture.System.RankingClient.RankCandidates(request))
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var violation = Assert.Single(e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations);
        Assert.Equal("candidates.indexes.bundle_version", violation.Field);
        Assert.Contains($"set the request's bundle_version to the indexes' version", violation.Description);
    }

    [Fact]
    public async Task GetCandidates_PinnedToAVersionNotHeld_IsFailedPrecondition_WithErrorInfoNamingTheServedOne()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            fixture
                .System.RetrievalClient.GetCandidatesAsync(new GetCandidatesRequest { BundleVersion = "v-gone" })
                .ResponseAsync.WithTimeout()
        );

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        var info = e.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!;
        Assert.Equal((BundleVersions.NotHeldReason, BundleVersions.ErrorDomain), (info.Reason, info.Domain));
        Assert.Equal(("v-gone", Catalog.Manifest.Version), (info.Metadata["asked"], info.Metadata["served"]));
    }
}
