using BenchmarkDotNet.Attributes;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;

namespace RecServices.Benchmarks;

/// <summary>The in-process serving steps, per request, cycling through the bundle's users.</summary>
[MemoryDiagnoser]
public class ServingBenchmarks : IDisposable
{
    private BenchBundle _data = null!;
    private CandidateGenerator _generator = null!;
    private UserContextFactory _contexts = null!;
    private Ranker _ranker = null!;
    private TwoStagePipeline _pipeline = null!;
    private UserContext[] _userContexts = null!;
    private RankedItem[] _top = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _data = BenchBundle.Instance;
        _generator = new CandidateGenerator(_data.Bundle, RetrievalOptions.Default);
        _contexts = new UserContextFactory(_data.Bundle.Catalog, RetrievalOptions.Default);
        _ranker = new Ranker(_data.Bundle);
        _pipeline = TwoStagePipeline.Create(_data.Bundle, _ranker, RetrievalOptions.Default);
        _userContexts = [.. _data.Users.Select((u, i) => _contexts.Create(u.History, _data.Countries[i]))];
        _top = new RankedItem[10];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _ranker?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Retrieval's work: the candidate sources merged, seen items skipped (default quotas, cap 500).</summary>
    [Benchmark]
    public int CandidateGeneration() =>
        _generator.Generate(_userContexts[Next()], RetrievalOptions.Default.DefaultMaxCandidates).Count;

    /// <summary>The gateway's context: recent items, top categories and the seen-item set from a history.</summary>
    [Benchmark]
    public int UserContextAndSeenFilterSet() =>
        _contexts.Create(_data.Users[Next()].History, _data.Countries[_next]).Seen.Count;

    /// <summary>One user-tower inference through ONNX Runtime (features built, V_u out).</summary>
    [Benchmark]
    public float UserTowerInference()
    {
        Span<float> v = stackalloc float[64];
        _ranker.UserVector(_data.Users[Next()], v[.._data.Bundle.Manifest.Towers.Output]);
        return v[0];
    }

    /// <summary>The whole two-stage pipeline in process: retrieval, filtering, ranking, top 10.</summary>
    [Benchmark]
    public int WholePipelineInProcess()
    {
        var i = Next();
        return _pipeline
            .Recommend(_data.Users[i], _data.Countries[i], 10, RetrievalOptions.Default.DefaultMaxCandidates)
            .Top.Length;
    }

    private int Next() => _next = (_next + 1) % _data.Users.Length;
}
