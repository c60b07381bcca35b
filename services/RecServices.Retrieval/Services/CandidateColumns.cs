using RecServices.Contracts.Retrieval.V2;
using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;
using RecServices.Serving.Wire;

namespace RecServices.Retrieval.Services;

/// <summary>
/// Writes a candidate set, as ids or as item indexes, into the column layout of v2's
/// <see cref="GetCandidatesResponse"/>, each source key once.
/// </summary>
public static class CandidateColumns
{
    /// <summary>
    /// Writes <paramref name="set"/>'s candidates (items of <paramref name="served"/>; as indexes of
    /// <paramref name="bundle"/>'s item table when
    /// <paramref name="indexes"/>, otherwise as ids) and their sources into <paramref name="response"/>.
    /// </summary>
    public static void Write(
        CandidateSet set,
        Bundle bundle,
        ServedItems served,
        bool indexes,
        GetCandidatesResponse response
    )
    {
        var count = set.Count;
        response.Candidates = ItemReferences.Of(set.ItemSpan, bundle, served, indexes);

        // Sized once (no doubling while they fill); candidates walked by position, not looked up by item.
        var hits = set.HitCount;
        response.SourceStarts.Capacity = count;
        response.SourceKinds.Capacity = hits;
        response.SourceKeyIndexes.Capacity = hits;
        response.SourceScores.Capacity = hits;
        var keys = response.SourceKeys;
        for (var position = 0; position < count; position++)
        {
            response.SourceStarts.Add(response.SourceKinds.Count);
            foreach (var hit in set.SourcesAt(position))
            {
                response.SourceKinds.Add(hit.Kind);
                response.SourceKeyIndexes.Add(KeyIndex(keys, hit.Key));
                response.SourceScores.Add(hit.Score);
            }
        }
    }

    /// <summary>
    /// <paramref name="key"/>'s position in <paramref name="keys"/>, appended when new. A request has a few keys (its
    /// recent items, categories and country), each one string instance shared by its hits: a scan by reference, then by
    /// value, beats hashing the string of every hit.
    /// </summary>
    private static int KeyIndex(Google.Protobuf.Collections.RepeatedField<string> keys, string key)
    {
        for (var i = keys.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(keys[i], key))
            {
                return i;
            }
        }

        for (var i = 0; i < keys.Count; i++)
        {
            if (string.Equals(keys[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        keys.Add(key);
        return keys.Count - 1;
    }
}
