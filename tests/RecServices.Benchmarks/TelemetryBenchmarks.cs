using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using RecServices.Gateway.Services;
using RecServices.Ranking.Services;
using RecServices.Retrieval.Services;
using RecServices.ServiceDefaults.Telemetry;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;

namespace RecServices.Benchmarks;

/// <summary>
/// What the metrics cost per Recommend: every measurement the three services record for one request (3 server and
/// 2 client call durations, 4 + 1 candidate counts, filtering, inference and scoring times), with an OpenTelemetry
/// meter provider aggregating them (as in the services, which always export metrics) and without one.
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmarks : IDisposable
{
    private readonly ServerEndpoint _retrieval = new("retrieval", 5111);
    private readonly ServerEndpoint _ranking = new("ranking", 5121);
    private ServiceProvider _services = null!;
    private MeterProvider? _provider;
    private RpcMetrics _rpc = null!;
    private RetrievalMetrics _retrievalMetrics = null!;
    private GatewayMetrics _gateway = null!;
    private RankingMetrics _rankingMetrics = null!;
    private CandidateSet _set = null!;

    [Params(true, false)]
    public bool Listened { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = _services.GetRequiredService<IMeterFactory>();
        if (Listened)
        {
            _provider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(RecsTelemetry.MeterName)
                .AddInMemoryExporter(
                    new List<Metric>(),
                    o => o.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = int.MaxValue
                )
                .Build();
        }

        _rpc = new RpcMetrics(meters);
        _retrievalMetrics = new RetrievalMetrics(meters);
        _gateway = new GatewayMetrics(meters);
        _rankingMetrics = new RankingMetrics(meters);
        var data = BenchBundle.Instance;
        _set = new CandidateGenerator(data.Bundle, RetrievalOptions.Default).Generate(
            new UserContextFactory(data.Bundle.Catalog, RetrievalOptions.Default).Create(
                data.Users[0].History,
                data.Countries[0]
            ),
            500
        );
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _provider?.Dispose();
        _services?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Every measurement of one Recommend, across the three services.</summary>
    [Benchmark]
    public void OneRecommendsMeasurements()
    {
        var started = Stopwatch.GetTimestamp();
        _rpc.RecordServer("/recservices.retrieval.v1.RetrievalService/GetCandidates", StatusCode.OK, started);
        _retrievalMetrics.Record(_set);
        _rankingMetrics.Record(new RankTimings(Stopwatch.GetElapsedTime(started), Stopwatch.GetElapsedTime(started)));
        _rpc.RecordServer("/recservices.ranking.v1.RankingService/RankCandidates", StatusCode.OK, started);
        _gateway.RecordFiltered(_set.Count);
        _rpc.RecordClient(
            "/recservices.retrieval.v1.RetrievalService/GetCandidates",
            StatusCode.OK,
            _retrieval,
            started
        );
        _rpc.RecordClient("/recservices.ranking.v1.RankingService/RankCandidates", StatusCode.OK, _ranking, started);
        _rpc.RecordServer("/recservices.gateway.v1.GatewayService/Recommend", StatusCode.OK, started);
    }
}
