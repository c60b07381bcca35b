using RecServices.Core.Bundles;

namespace RecServices.Serving.Retrieval;

/// <summary>
/// Candidate generation over a bundle's precomputed tables, the same code in the retrieval service and
/// the offline evaluator. Sources in order: similar items of the recent items (most recent first),
/// the top genres' tops, the country's top, global popular. Every source skips excluded (seen) items and
/// items already proposed count once; the set stops growing at the cap. Nothing is computed per request
/// beyond lookups.
/// </summary>
public sealed class CandidateGenerator
{
    private readonly ItemCatalog _catalog;
    private readonly SimilarItems _similar;
    private readonly TopLists _tops;

    public CandidateGenerator(Bundle bundle, RetrievalOptions options)
    {
        _catalog = bundle.Catalog;
        _similar = bundle.Similar ?? throw new ArgumentException("the bundle was loaded without its retrieval tables", nameof(bundle));
        _tops = bundle.Tops ?? throw new ArgumentException("the bundle was loaded without its retrieval tables", nameof(bundle));
        Options = options;
    }

    public RetrievalOptions Options { get; }

    /// <param name="user">The user's context.</param>
    /// <param name="maxCandidates">The cap (already validated against <see cref="RetrievalOptions.MaxCandidatesLimit"/>).</param>
    public CandidateSet Generate(UserContext user, int maxCandidates)
    {
        var o = Options;
        var set = new CandidateSet(Math.Min(maxCandidates, 1024));
        var recent = user.RecentItems;
        for (var r = recent.Count - 1; r >= Math.Max(0, recent.Count - o.RecentItems); r--)
        {
            var source = recent[r];
            var key = _catalog.Items[source].Id;
            var neighbours = _similar.Of(source);
            var scores = _similar.ScoresOf(source);
            var taken = 0;
            for (var j = 0; j < neighbours.Length && taken < o.SimilarPerItem; j++)
            {
                taken += Propose(set, user, neighbours[j], new SourceHit(SourceKind.SimilarItems, key, scores[j]), maxCandidates);
            }
        }

        GC.KeepAlive(_similar); // the spans read a memory map that lives as long as _similar

        foreach (var genre in user.TopGenres.Take(o.TopGenres))
        {
            if (_tops.ByGenre.TryGetValue(genre, out var list))
            {
                AddTop(set, user, list, SourceKind.Genre, genre, o.PerGenre, maxCandidates);
            }
        }

        if (user.Country is not null && _tops.ByCountry.TryGetValue(user.Country, out var countryTop))
        {
            AddTop(set, user, countryTop, SourceKind.Country, user.Country, o.PerCountry, maxCandidates);
        }

        // Cold start: with no history, popular items also take the similar-items source's place.
        var popular = o.Popular + (recent.Count == 0 ? o.RecentItems * o.SimilarPerItem : 0);
        AddTop(set, user, _tops.Global, SourceKind.Popular, string.Empty, popular, maxCandidates);
        return set;
    }

    private static void AddTop(CandidateSet set, UserContext user, TopList list, SourceKind kind, string key, int quota, int cap)
    {
        var taken = 0;
        for (var j = 0; j < list.Items.Length && taken < quota; j++)
        {
            taken += Propose(set, user, list.Items[j], new SourceHit(kind, key, list.Scores[j]), cap);
        }
    }

    /// <summary>1 when the proposal counts against the source's quota (an unseen item, new or already proposed).</summary>
    private static int Propose(CandidateSet set, UserContext user, int item, SourceHit hit, int cap)
    {
        if (user.Excluded.Contains(item))
        {
            return 0;
        }

        set.Add(item, hit, cap);
        return 1;
    }
}
