using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Gateway.Services;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Retrieval;
using RecServices.Serving.Wire;

namespace RecServices.Gateway.Tests;

/// <summary>
/// Retrieval's answer as the gateway reads it (<see cref="RetrievedCandidates"/>) and the seen filter over it: items
/// the catalog does not hold, seen items and repeats are dropped, the rest kept in retrieval order with their
/// positions, by id and by index alike.
/// </summary>
public sealed class CandidateFilterTests
{
    private static readonly ItemCatalog Catalog = new(
        ["Drama"],
        [.. Enumerable.Range(0, 6).Select(i => new Item($"i{i}", $"Title {i}", null, [0]))]
    );

    [Fact]
    public void Apply_ById_DropsUnknownSeenAndRepeated_KeepsRetrievalOrderAndPositions()
    {
        var answer = new GetCandidatesResponse
        {
            BundleVersion = "v1",
            Candidates = ItemReferences.OfIds(["i4", "nope", "i1", "i2", "i4", "i0"]),
        };
        answer.SourceStarts.Add([0, 0, 0, 0, 0, 0]);

        var (candidates, positions) = Filter(new RetrievedCandidates(answer), seen: [2]);

        Assert.Equal([4, 1, 0], candidates);
        Assert.Equal(
            new Dictionary<int, int>
            {
                [4] = 0,
                [1] = 2,
                [0] = 5,
            },
            positions
        );
    }

    [Fact]
    public void Apply_ByIndex_DropsIndexesOutsideTheCatalog()
    {
        var answer = new GetCandidatesResponse
        {
            BundleVersion = "v1",
            Candidates = ItemReferences.OfIndexes("v1", [5, 6, -1, 3]),
        };
        answer.SourceStarts.Add([0, 0, 0, 0]);
        var retrieved = new RetrievedCandidates(answer);

        var (candidates, _) = Filter(retrieved, seen: []);

        Assert.Equal([5, 3], candidates);
        Assert.Equal(-1, retrieved.ItemAt(1, ServedItems.Of(Catalog)));
    }

    [Fact]
    public void ItemIds_ByIndex_AreTheCatalogsIdsInRetrievalOrder()
    {
        var answer = new GetCandidatesResponse
        {
            BundleVersion = "v1",
            Candidates = ItemReferences.OfIndexes("v1", [3, 0, 5]),
        };
        answer.SourceStarts.Add([0, 0, 0]);

        Assert.Equal(["i3", "i0", "i5"], new RetrievedCandidates(answer).ItemIds(ServedItems.Of(Catalog)));
    }

    [Fact]
    public void SourcesAt_ReadsACandidatesRangeOfTheSourceColumns_InTheOrderTheyProposed()
    {
        var answer = new GetCandidatesResponse
        {
            BundleVersion = "v7",
            Candidates = ItemReferences.OfIds(["i0", "i1"]),
        };
        answer.SourceStarts.Add([0, 2]);
        answer.SourceKeys.Add(["Drama", "i3"]);
        answer.SourceKinds.Add([SourceKind.Category, SourceKind.SimilarItems, SourceKind.Popular]);
        answer.SourceKeyIndexes.Add([0, 1, 0]);
        answer.SourceScores.Add([0.5f, 0.25f, 0.125f]);
        var retrieved = new RetrievedCandidates(answer);

        Assert.Equal(
            [new SourceHit(SourceKind.Category, "Drama", 0.5f), new SourceHit(SourceKind.SimilarItems, "i3", 0.25f)],
            retrieved.SourcesAt(0)
        );
        Assert.Equal([new SourceHit(SourceKind.Popular, "Drama", 0.125f)], retrieved.SourcesAt(1));
        Assert.Equal(("v7", 2), (retrieved.Version, retrieved.Count));
    }

    private static (List<int> Candidates, Dictionary<int, int> Positions) Filter(
        RetrievedCandidates retrieved,
        HashSet<int> seen
    )
    {
        var filtered = FilteredCandidates.Of(retrieved, ServedItems.Of(Catalog), SeenFilter.Of(seen));
        return (filtered.Candidates, filtered.Positions);
    }
}
