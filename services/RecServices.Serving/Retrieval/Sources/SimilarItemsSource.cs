using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;

namespace RecServices.Serving.Retrieval.Sources;

/// <summary>
/// The most similar items (the bundle's precomputed item-item table, cosine of the towers' V_m) of each of the user's
/// <paramref name="recentItems"/> most recent items, most recent first: up to <see cref="Quota"/> unseen neighbours
/// each, and never more than the table's K. Key: the recent item's id; score: the cosine similarity.
/// </summary>
public sealed class SimilarItemsSource(ItemCatalog catalog, SimilarItems table, int recentItems, int perItem)
    : ICandidateSource
{
    public SourceKind Kind => SourceKind.SimilarItems;

    /// <summary>Neighbours per recent item.</summary>
    public int Quota => perItem;

    public void Propose(UserContext user, CandidateSet set, int cap)
    {
        var recent = user.RecentItems;
        for (var r = recent.Count - 1; r >= Math.Max(0, recent.Count - recentItems); r--)
        {
            var source = recent[r];
            if (source >= catalog.Count)
            {
                continue; // an item added since the bundle was built: the table has no neighbours for it
            }

            var key = catalog.IdOf(source);
            var neighbours = table.Of(source);
            var scores = table.ScoresOf(source);
            var taken = 0;
            for (var j = 0; j < neighbours.Length && taken < perItem; j++)
            {
                taken += CandidateSources.Offer(set, user, neighbours[j], new SourceHit(Kind, key, scores[j]), cap);
            }
        }

        GC.KeepAlive(table); // the spans read a memory map that lives as long as the table
    }
}
