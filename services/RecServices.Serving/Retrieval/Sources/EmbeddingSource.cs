using System.Buffers;
using RecServices.Serving.Ranking;

namespace RecServices.Serving.Retrieval.Sources;

/// <summary>
/// The unseen items with the highest model score V_u · V_m for the user: the user tower run once on the context's
/// profile (<see cref="UserContext.Profile"/>), then every unseen item scored against the bundle's item vectors, top
/// <see cref="Quota"/> kept, best first. It runs in retrieval, not in ranking, so that retrieval stays one call the
/// gateway makes with what it already has (the history it sends as excluded ids, age, gender): the tower costs tens of
/// microseconds, a round trip to ranking for V_u would cost more. Scoring is exact, O(catalog) per request (an
/// approximate index for large catalogs is not built yet). Key: empty; score: V_u · V_m (the served score, popularity term
/// included).
/// </summary>
public sealed class EmbeddingSource(Ranker ranker, int itemCount, int quota) : ICandidateSource
{
    public SourceKind Kind => SourceKind.Embedding;

    public int Quota => quota;

    public void Propose(UserContext user, CandidateSet set, int cap)
    {
        if (user.Profile is null || quota <= 0)
        {
            return;
        }

        var unseen = ArrayPool<int>.Shared.Rent(itemCount);
        var top = ArrayPool<RankedItem>.Shared.Rent(quota);
        try
        {
            var n = 0;
            for (var item = 0; item < itemCount; item++)
            {
                if (!user.Excluded.Contains(item))
                {
                    unseen[n++] = item;
                }
            }

            var found = ranker.Rank(user.Profile, unseen.AsSpan(0, n), top.AsSpan(0, Math.Min(quota, n)));
            for (var i = 0; i < found; i++)
            {
                CandidateSources.Offer(set, user, top[i].Item, new SourceHit(Kind, string.Empty, top[i].Score), cap);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(unseen);
            ArrayPool<RankedItem>.Shared.Return(top);
        }
    }
}
