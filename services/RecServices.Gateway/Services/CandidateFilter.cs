using RecServices.Contracts.Retrieval.V1;
using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;

namespace RecServices.Gateway.Services;

/// <summary>
/// The gateway's own filter over retrieval's answer: candidates known to the catalog, never seen by the user
/// and each once, in retrieval order, with their positions in the response. Sources are read from the
/// response's columns only for the items actually sent.
/// </summary>
public static class CandidateFilter
{
    /// <summary>
    /// Filters <paramref name="response"/>'s candidates into <paramref name="candidates"/> (item indices of
    /// <paramref name="catalog"/>) and <paramref name="positions"/>: by index when the answer holds item indexes (the
    /// caller pinned it to <paramref name="catalog"/>'s version), otherwise by looking each id up.
    /// </summary>
    public static void Apply(
        GetCandidatesResponse response,
        ItemCatalog catalog,
        IReadOnlySet<int> seen,
        List<int> candidates,
        Dictionary<int, int> positions
    )
    {
        var count = response.CandidateCount;
        candidates.EnsureCapacity(count);
        positions.EnsureCapacity(count);
        var indexes = response.ItemIndexes;
        for (var i = 0; i < count; i++)
        {
            int item;
            if (indexes.Count > 0)
            {
                item = indexes[i];
                if ((uint)item >= (uint)catalog.Count)
                {
                    continue;
                }
            }
            else if (!catalog.Index.TryGetValue(response.ItemIds[i], out item))
            {
                continue;
            }

            if (!seen.Contains(item) && positions.TryAdd(item, i))
            {
                candidates.Add(item);
            }
        }
    }

    /// <summary>Candidate <paramref name="position"/>'s sources, in the order they proposed it.</summary>
    public static SourceHit[] SourcesOf(GetCandidatesResponse response, int position)
    {
        var (start, end) = response.SourceRange(position);
        var sources = new SourceHit[end - start];
        for (var j = start; j < end; j++)
        {
            sources[j - start] = new SourceHit(
                SourceKindWire.FromWire(response.SourceKinds[j]),
                response.SourceKey(j),
                response.SourceScores[j]
            );
        }

        return sources;
    }
}
