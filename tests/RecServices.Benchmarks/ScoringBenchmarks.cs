using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using RecServices.Serving.Ranking;

namespace RecServices.Benchmarks;

/// <summary>
/// Ranking N candidates (user tower + N dot products + top 10) against its bare parts measured alone: one
/// user-tower inference, and N dot products of V_u with the candidates' V_m. The bar: Rank ≤ 3 × (bare
/// inference + bare dot products), and the allocated bytes do not grow with N.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks : IDisposable
{
    private BenchBundle _data = null!;
    private Ranker _ranker = null!;
    private int[] _candidates = null!;
    private float[] _user = null!;
    private float[] _scores = null!;
    private RankedItem[] _top = null!;

    [Params(100, 500, 2000)]
    public int Candidates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = BenchBundle.Instance;
        _ranker = new Ranker(_data.Bundle);
        var items = _data.Bundle.Catalog.Items.Count;
        var random = new Random(42);
        _candidates = [.. Enumerable.Range(0, Candidates).Select(_ => random.Next(items))];
        _user = new float[_data.Bundle.Manifest.Towers.Output];
        _ranker.UserVector(_data.Users[0], _user);
        _scores = new float[Candidates];
        _top = new RankedItem[10];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _ranker?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "Rank: tower + dot products + top 10")]
    public int Rank() => _ranker.Rank(_data.Users[0], _candidates, _top);

    [Benchmark(Description = "bare: user-tower inference")]
    public float BareInference()
    {
        _ranker.UserVector(_data.Users[0], _user);
        return _user[0];
    }

    [Benchmark(Description = "bare: N dot products")]
    public float BareDotProducts()
    {
        var vectors = _data.Bundle.Vectors!.Values;
        var d = _user.Length;
        for (var i = 0; i < _candidates.Length; i++)
        {
            _scores[i] = TensorPrimitives.Dot(_user, vectors.Slice(_candidates[i] * d, d));
        }

        return _scores[^1];
    }
}
