using System.Buffers;
using System.Diagnostics;
using System.Numerics.Tensors;
using RecServices.Core.Bundles;
using RecServices.Core.Ranking;
using RecServices.Serving.Retrieval;

namespace RecServices.Serving.Ranking;

/// <summary>
/// Ranking with the two-tower model, the same code in the ranking service and the offline evaluator:
/// V_u from the user tower (<see cref="UserTower"/>, run once), then score each
/// candidate by V_u · V_m against the bundle's item vectors (SIMD dot products) and select the top.
/// Buffers come from <see cref="ArrayPool{T}"/>: nothing is allocated per candidate. Thread-safe.
/// </summary>
public sealed class Ranker : IDisposable
{
    /// <summary>
    /// Places of a list kept for items added after training when it would hold none (the services' default and the
    /// evaluator's): the best of them by score replaces the list's last item. See <c>RankCandidatesRequest.fresh_slots</c>.
    /// </summary>
    public const int DefaultFreshSlots = 1;

    private readonly ItemVectors _vectors;

    public Ranker(Bundle bundle, int threads = 1)
    {
        _vectors =
            bundle.Vectors
            ?? throw new ArgumentException(
                "the bundle was loaded without its item vectors (BundleParts.Vectors)",
                nameof(bundle)
            );
        Tower = new UserTower(bundle, threads);
    }

    /// <summary>The user tower the ranker runs (V_u).</summary>
    public UserTower Tower { get; }

    /// <summary>Writes V_u into <paramref name="output"/> (length = the tower's output width).</summary>
    public void UserVector(UserProfile user, Span<float> output) => Tower.Vector(user, output);

    /// <summary>
    /// Ranks <paramref name="candidates"/> (item indices) for the user and writes the best
    /// <c>result.Length</c> into <paramref name="result"/>, best first; returns how many were written.
    /// </summary>
    public int Rank(UserProfile user, ReadOnlySpan<int> candidates, Span<RankedItem> result) =>
        Rank(user, candidates, result, out _);

    /// <summary>
    /// The same, also saying how long the user tower and the scoring took (the ranking service's metrics).
    /// </summary>
    /// <param name="user">The user.</param>
    /// <param name="candidates">The candidates' item indices.</param>
    /// <param name="result">Where the best are written, best first.</param>
    /// <param name="timings">How long the user tower and the scoring took.</param>
    /// <param name="fresh">The items added through the catalog service, when any candidate may be one (indices from
    /// the catalog's count on: scored against their own V_m; one this process has no vector for scores lowest).</param>
    /// <param name="freshSlots">At least this many of the result are fresh candidates when there are that many (the
    /// best of them by score, in place of the lowest-scored others).</param>
    public int Rank(
        UserProfile user,
        ReadOnlySpan<int> candidates,
        Span<RankedItem> result,
        out RankTimings timings,
        FreshItems? fresh = null,
        int freshSlots = 0
    )
    {
        var d = Tower.OutputWidth;
        var vector = ArrayPool<float>.Shared.Rent(d);
        var scores = ArrayPool<float>.Shared.Rent(candidates.Length);
        try
        {
            var started = Stopwatch.GetTimestamp();
            UserVector(user, vector.AsSpan(0, d));
            var inferred = Stopwatch.GetTimestamp();
            var scoreSpan = scores.AsSpan(0, candidates.Length);
            // one pass over the candidates says whether any is fresh: scoring and the reserved places both ask
            var anyFresh = fresh is { Count: > 0 } && HasFresh(candidates, _vectors.Count);
            if (anyFresh)
            {
                ScoreWithFresh(vector.AsSpan(0, d), candidates, scoreSpan, fresh!);
            }
            else
            {
                VectorScorer.ScoreCandidates(vector.AsSpan(0, d), _vectors.Values, candidates, scoreSpan);
            }

            GC.KeepAlive(_vectors); // the span reads a memory map that lives as long as _vectors
            var n = SelectTop(scoreSpan, candidates, result);
            if (freshSlots > 0 && anyFresh && n > 0)
            {
                ReserveFresh(scoreSpan, candidates, result[..n], Math.Min(freshSlots, n));
            }

            timings = new RankTimings(Stopwatch.GetElapsedTime(started, inferred), Stopwatch.GetElapsedTime(inferred));
            return n;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    /// <summary>
    /// Makes at least <paramref name="slots"/> of <paramref name="top"/> (sorted, best first) fresh items: the best
    /// fresh candidates not in it replace its lowest-scored other items, and the list stays sorted by score.
    /// </summary>
    private void ReserveFresh(ReadOnlySpan<float> scores, ReadOnlySpan<int> candidates, Span<RankedItem> top, int slots)
    {
        var count = _vectors.Count;
        var have = 0;
        foreach (var item in top)
        {
            have += item.Item >= count ? 1 : 0;
        }

        if (have >= slots)
        {
            return;
        }

        // the best fresh candidates outside the list, best first
        var inTop = new HashSet<int>(top.Length);
        foreach (var item in top)
        {
            inTop.Add(item.Item);
        }

        var extra = new List<RankedItem>();
        for (var i = 0; i < candidates.Length; i++)
        {
            if (
                candidates[i] >= count
                && float.IsFinite(scores[i])
                && scores[i] > float.MinValue
                && !inTop.Contains(candidates[i])
            )
            {
                extra.Add(new RankedItem(candidates[i], scores[i]));
            }
        }

        extra.Sort((a, b) => b.Score.CompareTo(a.Score));
        var take = Math.Min(slots - have, extra.Count);
        // replace the lowest-scored items that are not fresh, from the end
        var at = top.Length - 1;
        for (var j = 0; j < take; j++)
        {
            while (at >= 0 && top[at].Item >= count)
            {
                at--;
            }

            if (at < 0)
            {
                break;
            }

            top[at--] = extra[j];
        }

        top.Sort((a, b) => b.Score.CompareTo(a.Score));
    }

    private static bool HasFresh(ReadOnlySpan<int> candidates, int count)
    {
        foreach (var c in candidates)
        {
            if (c >= count)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Scores candidates one by one: the catalog's against the bundle's V_m, fresh ones against theirs.</summary>
    private void ScoreWithFresh(
        ReadOnlySpan<float> user,
        ReadOnlySpan<int> candidates,
        Span<float> scores,
        FreshItems fresh
    )
    {
        var count = _vectors.Count;
        for (var i = 0; i < candidates.Length; i++)
        {
            var c = candidates[i];
            scores[i] =
                c < count ? TensorPrimitives.Dot(user, _vectors.Row(c))
                : fresh.HasVectors && fresh.At(c) is not null ? TensorPrimitives.Dot(user, fresh.VectorOf(c))
                : float.MinValue;
        }
    }

    /// <summary>
    /// Full-catalog scoring, the reference two-stage retrieval is measured against: V_u · V_m over every item of
    /// the catalog, <paramref name="seen"/> items (the user's seen ones) left out, the best
    /// <c>result.Length</c> written into <paramref name="result"/>, best first. Returns how many were written.
    /// </summary>
    public int RankAll(UserProfile user, SeenFilter seen, Span<RankedItem> result)
    {
        var (d, count) = (Tower.OutputWidth, _vectors.Count);
        var vector = ArrayPool<float>.Shared.Rent(d);
        var scores = ArrayPool<float>.Shared.Rent(count);
        try
        {
            UserVector(user, vector.AsSpan(0, d));
            var scoreSpan = scores.AsSpan(0, count);
            VectorScorer.ScoreAll(vector.AsSpan(0, d), _vectors.Values, scoreSpan);
            GC.KeepAlive(_vectors);
            seen.Exclude(scoreSpan); // TopK.Select keeps only scores above negative infinity

            return SelectTop(scoreSpan, [], result);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    /// <summary>
    /// The best <c>result.Length</c> of <paramref name="scores"/> into <paramref name="result"/>, best first, as
    /// items: <paramref name="candidates"/>[i] for score i, or i itself when no candidates are given.
    /// </summary>
    private static int SelectTop(ReadOnlySpan<float> scores, ReadOnlySpan<int> candidates, Span<RankedItem> result)
    {
        var k = Math.Min(result.Length, scores.Length);
        var order = ArrayPool<int>.Shared.Rent(k);
        try
        {
            var n = TopK.Select(scores, order.AsSpan(0, k));
            for (var i = 0; i < n; i++)
            {
                result[i] = new RankedItem(candidates.IsEmpty ? order[i] : candidates[order[i]], scores[order[i]]);
            }

            return n;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
        }
    }

    public void Dispose() => Tower.Dispose();
}
