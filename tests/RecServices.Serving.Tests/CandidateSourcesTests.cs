using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Serving.Retrieval;
using RecServices.Serving.Retrieval.Sources;

namespace RecServices.Serving.Tests;

/// <summary>Each candidate source on hand-made tables, and how the generator merges them.</summary>
public sealed class CandidateSourcesTests
{
    // Items 0-11, ids "m0".."m11"; categories a, b, c.
    private static readonly ItemCatalog Catalog = new(
        ["a", "b", "c"],
        Enumerable.Range(0, 12).Select(i => new Item($"m{i}", $"Movie {i}", 2000 + i, [i % 3])).ToArray()
    );

    // K = 3 neighbours per item: i+1, i+2, i+3 (mod 12), similarities 0.9, 0.8, 0.7.
    private static readonly SimilarItems Similar = new(
        12,
        3,
        Enumerable.Range(0, 12).SelectMany(i => new[] { (i + 1) % 12, (i + 2) % 12, (i + 3) % 12 }).ToArray(),
        Enumerable.Range(0, 12).SelectMany(_ => new[] { 0.9f, 0.8f, 0.7f }).ToArray()
    );

    private static readonly TopLists Tops = new(
        new TopList([11, 10, 9, 8, 7], [50, 40, 30, 20, 10]),
        new Dictionary<string, TopList>
        {
            ["a"] = new([0, 3, 6, 9], [9, 8, 7, 6]),
            ["b"] = new([1, 4, 7, 10], [9, 8, 7, 6]),
            ["c"] = new([2, 5, 8, 11], [9, 8, 7, 6]),
        },
        new Dictionary<string, TopList> { ["FR"] = new([5, 6, 7], [3, 2, 1]) }
    );

    [Fact]
    public void SimilarItems_MostRecentFirst_SeenItemsSkippedWithoutUsingTheQuota_KeyIsTheRecentItem()
    {
        var source = new SimilarItemsSource(Catalog, Similar, recentItems: 2, perItem: 2);
        var user = User(recent: [0, 4, 6], excluded: [0, 4, 6, 7]);

        var set = Run(source, user);

        // Recent 6 first: neighbours 7 (seen, skipped), 8, 9; then 4: 5, 6 (seen), 7 (seen): only 5 left in K = 3. Item
        // 0 is past the 2 recent items.
        Assert.Equal([8, 9, 5], set.Items);
        Assert.Equal([new SourceHit(SourceKind.SimilarItems, "m6", 0.8f)], set.SourcesOf(8).ToArray());
        Assert.Equal([new SourceHit(SourceKind.SimilarItems, "m4", 0.9f)], set.SourcesOf(5).ToArray());
    }

    [Fact]
    public void Category_OnlyTheUsersTopCategories_QuotaPerCategory_SeenSkipped()
    {
        var source = new CategorySource(Tops, topCategories: 2, perCategory: 2);
        var user = User(categories: ["b", "a", "c"], excluded: [1]);

        var set = Run(source, user);

        Assert.Equal([4, 7, 0, 3], set.Items); // b: 1 seen, then 4, 7; a: 0, 3; c is the third category
        Assert.Equal([new SourceHit(SourceKind.Category, "a", 9)], set.SourcesOf(0).ToArray());
    }

    [Fact]
    public void Country_NothingWithoutAKnownCountry_ElseItsTopList()
    {
        var source = new CountrySource(Tops, perCountry: 2);

        Assert.Equal(0, Run(source, User(country: null)).Count);
        Assert.Equal(0, Run(source, User(country: "XX")).Count);
        Assert.Equal([6, 7], Run(source, User(country: "FR", excluded: [5])).Items);
    }

    [Fact]
    public void Popular_ColdStartUserAlsoGetsTheSimilarItemsPlace()
    {
        var source = new PopularSource(Tops, popular: 2, coldStartExtra: 2);

        Assert.Equal([11, 10], Run(source, User(recent: [3])).Items);
        Assert.Equal([11, 10, 9, 8], Run(source, User()).Items);
    }

    [Fact]
    public void Generator_MergesDuplicatesWithEverySourceInOrder_AndTheCapStopsOnlyNewItems()
    {
        var generator = new CandidateGenerator(
            [
                new SimilarItemsSource(Catalog, Similar, 1, 3),
                new CategorySource(Tops, 1, 4),
                new PopularSource(Tops, 5, 0),
            ],
            RetrievalOptions.DesignRecipe
        );
        var user = User(recent: [8], categories: ["b"], excluded: [8]);

        var set = generator.Generate(user, maxCandidates: 5);

        // Similar to 8: 9, 10, 11; category b: 1, 4 (the cap of 5 is reached), 7 and 10 (10 already in: one more source);
        // popular: 11, 10, 9 already in.
        Assert.Equal([9, 10, 11, 1, 4], set.Items);
        Assert.Equal(
            [SourceKind.SimilarItems, SourceKind.Category, SourceKind.Popular],
            set.SourcesOf(10).Select(h => h.Kind)
        );
        Assert.Equal([SourceKind.SimilarItems, SourceKind.Popular], set.SourcesOf(11).Select(h => h.Kind));
        Assert.False(set.Contains(7));
    }

    private static CandidateSet Run(ICandidateSource source, UserContext user)
    {
        var set = new CandidateSet();
        source.Propose(user, set, cap: 100);
        return set;
    }

    private static UserContext User(
        int[]? recent = null,
        string[]? categories = null,
        string? country = null,
        int[]? excluded = null
    ) => new(recent ?? [], categories ?? [], country, SeenFilter.Of(excluded ?? recent ?? []));
}
