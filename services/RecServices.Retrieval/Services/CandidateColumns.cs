using RecServices.Contracts.Retrieval.V1;
using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;
using SourceKind = RecServices.Serving.Retrieval.SourceKind;

namespace RecServices.Retrieval.Services;

/// <summary>Writes a candidate set, as ids or as item indexes, into the column layout of <see cref="GetCandidatesResponse"/>, each source key once.</summary>
public static class CandidateColumns
{
    /// <summary>Writes <paramref name="set"/>'s candidates, as indexes (<c>item_indexes</c>) when <paramref name="indexes"/> is set or else as ids of <paramref name="catalog"/>, and their sources into <paramref name="response"/>.</summary>
    public static void Write(CandidateSet set, ItemCatalog catalog, bool indexes, GetCandidatesResponse response)
    {
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        if (indexes)
        {
            response.ItemIndexes.AddRange(set.Items);
        }
        else
        {
            response.ItemIds.Capacity = set.Count;
            foreach (var item in set.Items)
            {
                response.ItemIds.Add(catalog.IdOf(item));
            }
        }

        response.SourceStarts.Capacity = set.Count;
        foreach (var item in set.Items)
        {
            response.SourceStarts.Add(response.SourceKinds.Count);
            foreach (var hit in set.SourcesOf(item))
            {
                if (!keys.TryGetValue(hit.Key, out var key))
                {
                    keys[hit.Key] = key = keys.Count;
                    response.SourceKeys.Add(hit.Key);
                }

                response.SourceKinds.Add(ToProto(hit.Kind));
                response.SourceKeyIndexes.Add(key);
                response.SourceScores.Add(hit.Score);
            }
        }
    }

    private static Contracts.Retrieval.V1.SourceKind ToProto(SourceKind kind) => kind switch
    {
        SourceKind.SimilarItems => Contracts.Retrieval.V1.SourceKind.SimilarItems,
        SourceKind.Genre => Contracts.Retrieval.V1.SourceKind.Genre,
        SourceKind.Country => Contracts.Retrieval.V1.SourceKind.Country,
        SourceKind.Embedding => Contracts.Retrieval.V1.SourceKind.Embedding,
        _ => Contracts.Retrieval.V1.SourceKind.Popular,
    };
}
