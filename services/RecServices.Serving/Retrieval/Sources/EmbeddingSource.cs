using System.Buffers;
using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;
using RecServices.Serving.Ranking;

namespace RecServices.Serving.Retrieval.Sources;

/// <summary>
/// The unseen items with the highest model score V_u · V_m for the user: the user tower run once on the context's
/// profile (<see cref="UserContext.Profile"/>), then the bundle's <see cref="EmbeddingIndex"/> searched for the
/// <see cref="Quota"/> best, seen items skipped. It runs in retrieval, not in ranking, so that retrieval stays one call
/// the gateway makes with what it already has (the history it sends as excluded ids, age, gender): the tower costs
/// tens of microseconds, a round trip to ranking for V_u would cost more. The index probes the partitions the bundle
/// chose for its recall target, so a request scores about √N · probes items, not the catalog. Key: empty; score:
/// V_u · V_m (the served score, popularity term included).
/// </summary>
internal sealed class EmbeddingSource(UserTower tower, EmbeddingIndex index, int quota) : ICandidateSource
{
    public SourceKind Kind => SourceKind.Embedding;

    public int Quota => quota;

    public void Propose(UserContext user, CandidateSet set, int cap)
    {
        if (user.Profile is null || quota <= 0)
        {
            return;
        }

        var vector = ArrayPool<float>.Shared.Rent(tower.OutputWidth);
        var items = ArrayPool<int>.Shared.Rent(quota);
        var scores = ArrayPool<float>.Shared.Rent(quota);
        try
        {
            tower.Vector(user.Profile, vector.AsSpan(0, tower.OutputWidth));
            var found = index.Search(
                vector.AsSpan(0, tower.OutputWidth),
                index.Probes,
                user.Seen.Items,
                items.AsSpan(0, quota),
                scores.AsSpan(0, quota)
            );
            GC.KeepAlive(index); // the search read a memory map that lives as long as the index
            for (var i = 0; i < found; i++)
            {
                CandidateSources.Offer(set, user, items[i], new SourceHit(Kind, string.Empty, scores[i]), cap);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
            ArrayPool<int>.Shared.Return(items);
            ArrayPool<float>.Shared.Return(scores);
        }
    }
}
