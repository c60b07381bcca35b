using RecServices.Contracts.Retrieval.V1;
using RecServices.Serving.Retrieval;
using SourceKind = RecServices.Serving.Retrieval.SourceKind;

namespace RecServices.Gateway.Services;

/// <summary>
/// The gateway's own filter over retrieval's answer: candidates known to the catalog, never seen by the user
/// and each once, in retrieval order, with their positions in the response. Sources are read from the
/// response's columns only for the items actually sent.
/// </summary>
public static class CandidateFilter
{
    public static void Apply(GetCandidatesResponse response, IReadOnlyDictionary<string, int> catalogIndex, IReadOnlySet<int> seen, List<int> candidates, Dictionary<int, int> positions)
    {
        candidates.EnsureCapacity(response.ItemIds.Count);
        positions.EnsureCapacity(response.ItemIds.Count);
        for (var i = 0; i < response.ItemIds.Count; i++)
        {
            if (catalogIndex.TryGetValue(response.ItemIds[i], out var item) && !seen.Contains(item) && positions.TryAdd(item, i))
            {
                candidates.Add(item);
            }
        }
    }

    /// <summary>Candidate <paramref name="position"/>'s sources, strongest first.</summary>
    public static SourceHit[] SourcesOf(GetCandidatesResponse response, int position)
    {
        var (start, end) = response.SourceRange(position);
        var sources = new SourceHit[end - start];
        for (var j = start; j < end; j++)
        {
            sources[j - start] = new SourceHit(FromProto(response.SourceKinds[j]), response.SourceKey(j), response.SourceScores[j]);
        }

        return sources;
    }

    private static SourceKind FromProto(Contracts.Retrieval.V1.SourceKind kind) => kind switch
    {
        Contracts.Retrieval.V1.SourceKind.SimilarItems => SourceKind.SimilarItems,
        Contracts.Retrieval.V1.SourceKind.Genre => SourceKind.Genre,
        Contracts.Retrieval.V1.SourceKind.Country => SourceKind.Country,
        Contracts.Retrieval.V1.SourceKind.Embedding => SourceKind.Embedding,
        _ => SourceKind.Popular,
    };
}
