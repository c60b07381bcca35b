using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval.Sources;

namespace RecServices.Serving.Retrieval;

/// <summary>
/// Candidate generation over a bundle's precomputed tables, the same code in the retrieval service and the offline
/// evaluator: each source of <see cref="CandidateSources.Create"/> in turn (similar items of the recent items, the top
/// categories' tops, the country's top, global popular; one file each under <c>Sources/</c>) proposes into one set. Every
/// source skips excluded (seen) items, items already proposed count once, and the set stops growing at the cap. Nothing
/// is computed per request beyond lookups.
/// </summary>
public sealed class CandidateGenerator
{
    /// <param name="bundle">The served bundle.</param>
    /// <param name="options">The quotas and caps.</param>
    /// <param name="tower">The user tower, needed (with the bundle's embedding index) when the embedding source's quota
    /// is above 0.</param>
    public CandidateGenerator(Bundle bundle, RetrievalOptions options, Ranking.UserTower? tower = null)
        : this(CandidateSources.Create(bundle, options, tower), options) { }

    /// <summary>A generator over the given sources, run in the given order.</summary>
    public CandidateGenerator(IReadOnlyList<ICandidateSource> sources, RetrievalOptions options)
    {
        Options = options;
        Sources = sources;
    }

    public RetrievalOptions Options { get; }

    /// <summary>The sources, in the order they run.</summary>
    public IReadOnlyList<ICandidateSource> Sources { get; }

    /// <param name="user">The user's context.</param>
    /// <param name="maxCandidates">The cap (already validated against
    /// <see cref="RetrievalOptions.MaxCandidatesLimit"/>).</param>
    public CandidateSet Generate(UserContext user, int maxCandidates)
    {
        var set = new CandidateSet(Math.Min(maxCandidates, 1024));
        foreach (var source in Sources)
        {
            source.Propose(user, set, maxCandidates);
        }

        return set;
    }
}
