using System.Buffers;
using System.Diagnostics;
using RecServices.Core.Bundles;
using RecServices.Core.Features;
using RecServices.Core.Ranking;
using RecServices.Serving.Inference;

namespace RecServices.Serving.Ranking;

/// <summary>
/// Ranking with the two-tower model, the same code in the ranking service and the offline evaluator:
/// build the user tower's inputs (<see cref="UserFeatures"/>), run the ONNX user tower once, score each
/// candidate by V_u · V_m against the bundle's item vectors (SIMD dot products) and select the top.
/// Buffers come from <see cref="ArrayPool{T}"/>: nothing is allocated per candidate. Thread-safe.
/// </summary>
public sealed class Ranker : IDisposable
{
    private readonly UserTowerModel _tower;
    private readonly UserFeatures _features;
    private readonly ItemVectors _vectors;

    public Ranker(Bundle bundle, int threads = 1)
    {
        _tower = new UserTowerModel(bundle.UserTowerPath, bundle.Manifest.Schema, bundle.Manifest.Towers.Output, threads);
        _features = new UserFeatures(bundle.Manifest.Schema, bundle.Catalog.ItemGenres);
        _vectors = bundle.Vectors ?? throw new ArgumentException("the bundle was loaded without its item vectors (BundleParts.Vectors)", nameof(bundle));
    }

    /// <summary>Writes V_u into <paramref name="output"/> (length = the tower's output width).</summary>
    public void UserVector(UserProfile user, Span<float> output)
    {
        var h = _features.HistoryLength;
        var items = ArrayPool<long>.Shared.Rent(h);
        var weights = ArrayPool<float>.Shared.Rent(h);
        var features = ArrayPool<float>.Shared.Rent(_features.Width);
        var vector = ArrayPool<float>.Shared.Rent(_tower.OutputWidth);
        try
        {
            _features.Fill(user.History, user.Age, user.Gender, items.AsSpan(0, h), weights.AsSpan(0, h), features.AsSpan(0, _features.Width));
            _tower.Run(1, items.AsMemory(0, h), weights.AsMemory(0, h), features.AsMemory(0, _features.Width), vector.AsMemory(0, _tower.OutputWidth));
            vector.AsSpan(0, _tower.OutputWidth).CopyTo(output);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(items);
            ArrayPool<float>.Shared.Return(weights);
            ArrayPool<float>.Shared.Return(features);
            ArrayPool<float>.Shared.Return(vector);
        }
    }

    /// <summary>
    /// Ranks <paramref name="candidates"/> (item indices) for the user and writes the best
    /// <c>result.Length</c> into <paramref name="result"/>, best first; returns how many were written.
    /// </summary>
    public int Rank(UserProfile user, ReadOnlySpan<int> candidates, Span<RankedItem> result) => Rank(user, candidates, result, out _);

    /// <summary>The same, also saying how long the user tower and the scoring took (the ranking service's metrics).</summary>
    public int Rank(UserProfile user, ReadOnlySpan<int> candidates, Span<RankedItem> result, out RankTimings timings)
    {
        var d = _tower.OutputWidth;
        var vector = ArrayPool<float>.Shared.Rent(d);
        var scores = ArrayPool<float>.Shared.Rent(candidates.Length);
        var order = ArrayPool<int>.Shared.Rent(Math.Min(result.Length, candidates.Length));
        try
        {
            var started = Stopwatch.GetTimestamp();
            UserVector(user, vector.AsSpan(0, d));
            var inferred = Stopwatch.GetTimestamp();
            var scoreSpan = scores.AsSpan(0, candidates.Length);
            VectorScorer.ScoreCandidates(vector.AsSpan(0, d), _vectors.Values, candidates, scoreSpan);
            GC.KeepAlive(_vectors); // the span reads a memory map that lives as long as _vectors
            var n = TopK.Select(scoreSpan, order.AsSpan(0, Math.Min(result.Length, candidates.Length)));
            for (var i = 0; i < n; i++)
            {
                result[i] = new RankedItem(candidates[order[i]], scoreSpan[order[i]]);
            }

            timings = new RankTimings(Stopwatch.GetElapsedTime(started, inferred), Stopwatch.GetElapsedTime(inferred));
            return n;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<int>.Shared.Return(order);
        }
    }

    public void Dispose() => _tower.Dispose();
}
