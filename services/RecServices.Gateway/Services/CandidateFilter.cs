using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;

namespace RecServices.Gateway.Services;

/// <summary>
/// The gateway's own filter over retrieval's candidates: items known to the catalog, never seen by the user and
/// each once, in retrieval order, with their positions in retrieval's answer (where their sources are read, for
/// the items actually sent only).
/// </summary>
public static class CandidateFilter
{
    /// <summary>
    /// Filters <paramref name="retrieved"/> into <paramref name="candidates"/> (item indices of
    /// <paramref name="catalog"/>) and <paramref name="positions"/> (each one's position in
    /// <paramref name="retrieved"/>).
    /// </summary>
    public static void Apply(
        RetrievedCandidates retrieved,
        ItemCatalog catalog,
        SeenFilter seen,
        List<int> candidates,
        Dictionary<int, int> positions
    )
    {
        var count = retrieved.Count;
        candidates.EnsureCapacity(count);
        positions.EnsureCapacity(count);
        for (var i = 0; i < count; i++)
        {
            var item = retrieved.ItemAt(i, catalog);
            if (item >= 0 && seen.Allows(item) && positions.TryAdd(item, i))
            {
                candidates.Add(item);
            }
        }
    }
}
