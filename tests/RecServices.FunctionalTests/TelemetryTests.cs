using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Retrieval.V1;
using RecServices.Core.Bundles;
using RecServices.Gateway.Services;
using RecServices.Ranking.Services;
using RecServices.Retrieval.Services;
using RecServices.ServiceDefaults;
using RecServices.ServiceDefaults.Telemetry;

namespace RecServices.FunctionalTests;

/// <summary>
/// The metrics each host exports (names, units, attributes) read through OpenTelemetry's in-memory exporter on the
/// hosts' own meter providers, the Prometheus scrape endpoint, and the health service names the probes use.
/// Other test classes run hosts in this process at the same time and OpenTelemetry listens to meters by name, so
/// counts are checked as lower bounds.
/// </summary>
public sealed class TelemetryTests
{
    private const string Recommend = "recservices.gateway.v1.GatewayService/Recommend";
    private const string GetCandidates = "recservices.retrieval.v2.RetrievalService/GetCandidates";
    private const string RankCandidates = "recservices.ranking.v2.RankingService/RankCandidates";

    [Fact]
    public async Task Recommend_RecordsRpcDurationsWithRpcAttributes()
    {
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path, configureServices: HostMetrics.AddTo);
        Assert.NotEmpty(await system.RecommendAsync("u1", 5));

        // Calls are recorded when they end, on the server once its handler has returned and on the client in the
        // call's completion: both can come just after the caller has read the end of the stream. Wait for every point
        // this test reads instead of assuming it is there.
        (string, object)[] retrievalCall =
        [
            (RecsTelemetry.RpcMethod, GetCandidates),
            (RecsTelemetry.RpcResponseStatusCode, "OK"),
            (RecsTelemetry.ServerAddress, "127.0.0.1"),
            (RecsTelemetry.ServerPort, system.RetrievalPorts.Grpc),
        ];
        (string, object)[] rankingCall =
        [
            (RecsTelemetry.RpcMethod, RankCandidates),
            (RecsTelemetry.RpcResponseStatusCode, "OK"),
            (RecsTelemetry.ServerAddress, "127.0.0.1"),
            (RecsTelemetry.ServerPort, system.RankingPorts.Grpc),
        ];
        await TaskTimeouts.Until(
            () =>
            {
                var metrics = HostMetrics.Collect(system.Gateway!);
                return Task.FromResult(
                    metrics.TryGetValue(RpcMetrics.ServerDuration, out var served)
                        && HostMetrics
                            .Points(
                                served,
                                (RecsTelemetry.RpcMethod, Recommend),
                                (RecsTelemetry.RpcResponseStatusCode, "OK")
                            )
                            .Count > 0
                        && metrics.TryGetValue(RpcMetrics.ClientDuration, out var called)
                        && HostMetrics.Points(called, retrievalCall).Count > 0
                        && HostMetrics.Points(called, rankingCall).Count > 0
                        && HostMetrics
                            .Collect(system.Retrieval!)
                            .TryGetValue(RpcMetrics.ServerDuration, out var retrieved)
                        && HostMetrics.Points(retrieved, (RecsTelemetry.RpcMethod, GetCandidates)).Count > 0
                        && HostMetrics.Collect(system.Ranking!).TryGetValue(RpcMetrics.ServerDuration, out var ranked)
                        && HostMetrics.Points(ranked, (RecsTelemetry.RpcMethod, RankCandidates)).Count > 0
                );
            },
            "every call of the Recommend to be recorded",
            describe: () => Describe(system)
        );
        var gateway = HostMetrics.Collect(system.Gateway!);
        var server = gateway[RpcMetrics.ServerDuration];
        Assert.Equal("s", server.Unit);
        Assert.Equal(RecsTelemetry.MeterName, server.MeterName);
        Assert.Equal(MetricType.Histogram, server.MetricType);
        var recommend = Assert.Single(
            HostMetrics.Points(
                server,
                (RecsTelemetry.RpcMethod, Recommend),
                (RecsTelemetry.RpcResponseStatusCode, "OK")
            )
        );
        Assert.Equal("grpc", HostMetrics.Tags(recommend)[RecsTelemetry.RpcSystemName]);
        Assert.False(HostMetrics.Tags(recommend).ContainsKey(RecsTelemetry.ErrorType));
        Assert.True(recommend.GetHistogramCount() >= 1);
        Assert.True(recommend.GetHistogramSum() > 0); // seconds, summed over every host in this process

        // The gateway's calls to both backends, each to its end (OK: the ranker's stream is read through, not
        // abandoned once the list is full, which would count as CANCELLED).
        var client = gateway[RpcMetrics.ClientDuration];
        Assert.Equal("s", client.Unit);
        // (Other tests' gateways call backends on other ports, or on localhost: address and port tell this system's
        // points apart.)
        var retrieval = Assert.Single(HostMetrics.Points(client, retrievalCall));
        Assert.Equal("grpc", HostMetrics.Tags(retrieval)[RecsTelemetry.RpcSystemName]);
        Assert.Single(HostMetrics.Points(client, rankingCall));

        // The backends time the same calls as servers.
        Assert.NotEmpty(
            HostMetrics.Points(
                HostMetrics.Collect(system.Retrieval!)[RpcMetrics.ServerDuration],
                (RecsTelemetry.RpcMethod, GetCandidates)
            )
        );
        Assert.NotEmpty(
            HostMetrics.Points(
                HostMetrics.Collect(system.Ranking!)[RpcMetrics.ServerDuration],
                (RecsTelemetry.RpcMethod, RankCandidates)
            )
        );
    }

    /// <summary>What each host has recorded so far, for a failure message.</summary>
    private static string Describe(ServiceSystem system)
    {
        string Of(string host, Microsoft.AspNetCore.Builder.WebApplication app) =>
            string.Join(
                "; ",
                HostMetrics
                    .Collect(app)
                    .Where(m => m.Key is RpcMetrics.ServerDuration or RpcMetrics.ClientDuration)
                    .SelectMany(m =>
                        HostMetrics
                            .Points(m.Value)
                            .Select(p =>
                                $"{host} {m.Key} "
                                + $"[{string.Join(", ", HostMetrics.Tags(p).Select(t => $"{t.Key}={t.Value}"))}]"
                            )
                    )
            );
        return string.Join(
            " | ",
            Of("gateway", system.Gateway!),
            Of("retrieval", system.Retrieval!),
            Of("ranking", system.Ranking!)
        );
    }

    [Fact]
    public async Task Recommend_Rejected_RecordsStatusAndErrorType()
    {
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path, configureServices: HostMetrics.AddTo);
        var e = await Assert.ThrowsAsync<RpcException>(() => system.RecommendAsync("u1", 100_000));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);

        await TaskTimeouts.Until(
            () =>
                Task.FromResult(
                    HostMetrics
                        .Points(
                            HostMetrics.Collect(system.Gateway!)[RpcMetrics.ServerDuration],
                            (RecsTelemetry.RpcMethod, Recommend),
                            (RecsTelemetry.RpcResponseStatusCode, "INVALID_ARGUMENT")
                        )
                        .Count > 0
                ),
            "the gateway to record the rejected call"
        );
        var server = HostMetrics.Collect(system.Gateway!)[RpcMetrics.ServerDuration];
        var rejected = Assert.Single(
            HostMetrics.Points(
                server,
                (RecsTelemetry.RpcMethod, Recommend),
                (RecsTelemetry.RpcResponseStatusCode, "INVALID_ARGUMENT")
            )
        );
        Assert.Equal("INVALID_ARGUMENT", HostMetrics.Tags(rejected)[RecsTelemetry.ErrorType]);
    }

    [Fact]
    public async Task Recommend_RecordsCandidatesPerSourceFilteringAndInference()
    {
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path, configureServices: HostMetrics.AddTo);
        Assert.NotEmpty(await system.RecommendAsync("u2", 10));

        var retrieval = HostMetrics.Collect(system.Retrieval!);
        var candidates = retrieval[RetrievalMetrics.Candidates];
        Assert.Equal("{candidate}", candidates.Unit);
        foreach (var source in new[] { "similar-items", "category", "country", "popular" })
        {
            Assert.NotEmpty(HostMetrics.Points(candidates, (RecsTelemetry.CandidateSource, source)));
        }

        var similar = HostMetrics
            .Points(candidates, (RecsTelemetry.CandidateSource, "similar-items"))
            .Sum(p => p.GetHistogramSum());
        Assert.True(similar > 0, "the similar-items source proposed nothing for a user with a history");
        Assert.True(HostMetrics.Points(retrieval[RetrievalMetrics.MergedCandidates]).Sum(p => p.GetHistogramSum()) > 0);

        var filtered = HostMetrics.Collect(system.Gateway!)[GatewayMetrics.FilteredCandidates];
        Assert.True(HostMetrics.Points(filtered).Sum(p => p.GetHistogramCount()) >= 1);

        var ranking = HostMetrics.Collect(system.Ranking!);
        foreach (var name in new[] { RankingMetrics.InferenceDuration, RankingMetrics.ScoringDuration })
        {
            Assert.Equal("s", ranking[name].Unit);
            var point = Assert.Single(HostMetrics.Points(ranking[name]));
            Assert.True(point.GetHistogramCount() >= 1);
            Assert.True(point.GetHistogramSum() > 0);
        }
    }

    [Fact]
    public async Task RankingDown_CountsDegradedResponsesByDependency()
    {
        await using var system = await ServiceSystem.StartAsync(
            TestBundle.Path,
            ["--Recs:CallAttempts=1"],
            HostMetrics.AddTo
        );
        await system.StopRankingAsync();
        var items = await system.RecommendAsync("u3", 5);
        Assert.All(items, i => Assert.True(i.Degraded));

        var degraded = HostMetrics.Collect(system.Gateway!)[GatewayMetrics.DegradedResponses];
        Assert.Equal(MetricType.LongSum, degraded.MetricType);
        var point = Assert.Single(
            HostMetrics.Points(
                degraded,
                (RecsTelemetry.Dependency, "ranking"),
                (RecsTelemetry.RpcResponseStatusCode, "UNAVAILABLE")
            )
        );
        // meters are per host, but a provider also sees same-named meters of hosts other tests run in this process
        Assert.True(point.GetSumLong() >= 1);
    }

    [Fact]
    public async Task Logs_WrittenInACall_CarryTheCallersTraceId()
    {
        var records = new List<LogRecord>();
        await using var system = await ServiceSystem.StartAsync(
            TestBundle.Path,
            // the gateway configured to continue its callers' traces (it starts its own by default)
            ["--Recs:CallAttempts=1", "--Logging:LogLevel:Default=Warning", "--Recs:TrustTraceParent=true"],
            services =>
                services.AddLogging(logging => logging.AddOpenTelemetry(otel => otel.AddInMemoryExporter(records)))
        );
        await system.StopRankingAsync();

        ActivityTraceId traceId;
        using (var caller = new Activity("test-caller").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            traceId = caller.TraceId;
            Assert.All(await system.RecommendAsync("u6", 3), i => Assert.True(i.Degraded));
        }

        // The gateway's warning about the failed dependency, tied to the call by the caller's trace id.
        LogRecord[] warnings;
        lock (records)
        {
            warnings =
            [
                .. records.Where(r => r.CategoryName == typeof(RankingBackend).FullName && r.TraceId == traceId),
            ];
        }

        var warning = Assert.Single(warnings);
        Assert.Equal(LogLevel.Warning, warning.LogLevel);
        Assert.Contains("is failing", warning.FormattedMessage ?? warning.Body, StringComparison.Ordinal);
        Assert.Contains(warning.Attributes!, a => a.Key == "Dependency" && (string?)a.Value == "Ranking");
        Assert.NotEqual(default, warning.SpanId);
    }

    [Fact]
    public async Task Resource_NamesTheServiceAndTheBundleVersion()
    {
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path);
        var version = Bundle.ReadManifest(TestBundle.Path).Version;
        foreach (
            var (host, name) in new[]
            {
                (system.Gateway!, "recservices-gateway"),
                (system.Retrieval!, "recservices-retrieval"),
                (system.Ranking!, "recservices-ranking"),
            }
        )
        {
            var resource = host
                .Services.GetRequiredService<MeterProvider>()
                .GetResource()
                .Attributes.ToDictionary(a => a.Key, a => a.Value);
            Assert.Equal(name, resource["service.name"]);
            Assert.Equal(version, resource[RecsTelemetry.BundleVersion]);
        }
    }

    [Fact]
    public async Task Metrics_ScrapedByPrometheusOnTheHttpPort()
    {
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path);
        Assert.NotEmpty(await system.RecommendAsync("u4", 5));

        using var http = new HttpClient();
        var text = await http.GetStringAsync(system.GatewayPorts.MetricsAddress).WithTimeout();
        Assert.Contains("# TYPE rpc_server_call_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains($"rpc_method=\"{Recommend}\"", text, StringComparison.Ordinal);
        Assert.Contains("recs_gateway_filtered_candidates", text, StringComparison.Ordinal);
        Assert.Contains("recs_bundle_version=", text, StringComparison.Ordinal); // target_info carries the resource

        // Not on the gRPC port: that one is HTTP/2 only.
        using var retrievalText = new HttpClient();
        var retrievalMetrics = await retrievalText.GetStringAsync(system.RetrievalPorts.MetricsAddress).WithTimeout();
        Assert.Contains("recs_retrieval_candidates", retrievalMetrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_ServiceNamesOfTheProbes()
    {
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path);
        var health = new Health.HealthClient(system.GatewayChannel);
        Assert.Equal(
            HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new HealthCheckRequest { Service = HealthServices.Liveness })).Status
        );
        Assert.Equal(
            HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new HealthCheckRequest { Service = GatewayService.Descriptor.FullName })).Status
        );
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            health.CheckAsync(new HealthCheckRequest { Service = "recservices.gateway.v1.NoSuchService" }).ResponseAsync
        );
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Health_NoBundle_AliveButNotReady()
    {
        var ports = LocalSystem.HostPorts.Free();
        var missing = Path.Combine(Path.GetTempPath(), "recs-no-bundle-" + Guid.NewGuid().ToString("N"));
        await using var host = Retrieval.RetrievalApp.Build(ServiceSystem.Args(missing, ports));
        await host.StartAsync().WithTimeout();
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports.Grpc}");
            var health = new Health.HealthClient(channel);
            Assert.Equal(
                HealthCheckResponse.Types.ServingStatus.Serving,
                (await health.CheckAsync(new HealthCheckRequest { Service = HealthServices.Liveness })).Status
            );
            Assert.Equal(
                HealthCheckResponse.Types.ServingStatus.NotServing,
                (
                    await health.CheckAsync(new HealthCheckRequest { Service = RetrievalService.Descriptor.FullName })
                ).Status
            );
            Assert.Equal(
                HealthCheckResponse.Types.ServingStatus.NotServing,
                (await health.CheckAsync(new HealthCheckRequest())).Status
            );
        }
        finally
        {
            await host.StopAsync().WithTimeout();
        }
    }
}
