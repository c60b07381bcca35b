using RecServices.Contracts.Retrieval.V1;
using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;

namespace RecServices.Retrieval.Services;

/// <summary>
/// Writes a candidate set, as ids or as item indexes, into the column layout of
/// <see cref="GetCandidatesResponse"/>, each source key once.
/// </summary>
public static class CandidateColumns
{
    /// <summary>
    /// Writes <paramref name="set"/>'s candidates, as indexes (<c>item_indexes</c>) when <paramref name="indexes"/>
    /// is set or else as ids of <paramref name="catalog"/>, and their sources into <paramref name="response"/>. For a
    /// caller that sent its categories in the deprecated <c>top_genres</c> (<paramref name="legacyCaller"/>, built
    /// before <c>SOURCE_KIND_CATEGORY</c>), the category source is written as the <c>SOURCE_KIND_GENRE</c> it knows.
    /// </summary>
    public static void Write(
        CandidateSet set,
        ItemCatalog catalog,
        bool indexes,
        GetCandidatesResponse response,
        bool legacyCaller = false
    )
    {
        var count = set.Count;
        if (indexes)
        {
            response.ItemIndexes.AddRange(set.Items);
        }
        else
        {
            response.ItemIds.Capacity = count;
            foreach (var item in set.Items)
            {
                response.ItemIds.Add(catalog.IdOf(item));
            }
        }

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
#pragma warning disable CS0612 // the deprecated value, for the callers that know only it
                response.SourceKinds.Add(
                    legacyCaller && hit.Kind == Serving.Retrieval.SourceKind.Category
                        ? Contracts.Retrieval.V1.SourceKind.Genre
                        : hit.Kind.ToWire()
                );
#pragma warning restore CS0612
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
