using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;
using RecServices.Serving.Ranking;

namespace RecServices.Serving.Retrieval.Sources;

/// <summary>
/// The candidate sources a bundle serves, in the order they run, and what they share. Adding a source: its own file
/// implementing <see cref="ICandidateSource"/>, a line in <see cref="Create"/>, its quota in
/// <see cref="RetrievalOptions"/> (scaled with the others by the sweep) and its <see cref="SourceKind"/> (and the
/// contract's).
/// </summary>
internal static class CandidateSources
{
    /// <summary>
    /// The sources over <paramref name="bundle"/>'s tables with <paramref name="options"/>' quotas, in running
    /// order. The fresh source runs first (items added after training), then the embedding source when its quota is
    /// above 0 (it needs <paramref name="tower"/> and the bundle's embedding index).
    /// </summary>
    public static IReadOnlyList<ICandidateSource> Create(
        Bundle bundle,
        RetrievalOptions options,
        UserTower? tower = null
    )
    {
        var similar =
            bundle.Similar
            ?? throw new ArgumentException("the bundle was loaded without its retrieval tables", nameof(bundle));
        var tops =
            bundle.Tops
            ?? throw new ArgumentException("the bundle was loaded without its retrieval tables", nameof(bundle));
        // The fresh source first: its quota is small, and the bundle's sources can fill the cap before it would run
        // (the similar-items quota alone is above it at the default scale), leaving items added after training out.
        List<ICandidateSource> sources =
        [
            new FreshSource(bundle.Catalog, options.TopCategories, options.FreshPerCategory, options.Fresh),
        ];
        if (options.Embedding > 0)
        {
            sources.Add(
                new EmbeddingSource(
                    tower
                        ?? throw new ArgumentException(
                            "the embedding source's quota is above 0 but no user tower was given",
                            nameof(tower)
                        ),
                    bundle.Index
                        ?? throw new ArgumentException(
                            "the embedding source's quota is above 0 but the bundle was loaded without "
                                + "an embedding index (BundleParts.EmbeddingIndex; bundles built before it "
                                + "have none: rebuild with 'recs train')",
                            nameof(bundle)
                        ),
                    options.Embedding
                )
            );
        }

        sources.AddRange([
            new SimilarItemsSource(bundle.Catalog, similar, options.RecentItems, options.SimilarPerItem),
            new CategorySource(tops, options.TopCategories, options.PerCategory),
            new CountrySource(tops, options.PerCountry),
            new PopularSource(tops, options.Popular, coldStartExtra: options.RecentItems * options.SimilarPerItem),
        ]);
        return sources;
    }

    /// <summary>
    /// Offers one item: 1 when it counts against the source's quota (an unseen item, new or already proposed), 0
    /// when seen.
    /// </summary>
    internal static int Offer(CandidateSet set, UserContext user, int item, SourceHit hit, int cap)
    {
        if (!user.Seen.Allows(item))
        {
            return 0;
        }

        set.Add(item, hit, cap);
        return 1;
    }

    /// <summary>Offers a top list's items in order until <paramref name="quota"/> unseen ones were offered.</summary>
    internal static void OfferTop(
        CandidateSet set,
        UserContext user,
        TopList list,
        SourceKind kind,
        string key,
        int quota,
        int cap
    )
    {
        var taken = 0;
        for (var j = 0; j < list.Items.Length && taken < quota; j++)
        {
            taken += Offer(set, user, list.Items[j], new SourceHit(kind, key, list.Scores[j]), cap);
        }
    }
}
