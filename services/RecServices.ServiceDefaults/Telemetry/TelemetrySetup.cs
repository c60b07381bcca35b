using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RecServices.Core.Bundles;

namespace RecServices.ServiceDefaults.Telemetry;

/// <summary>Logs, metrics and traces of a RecServices host.</summary>
internal static class TelemetrySetup
{
    /// <summary>
    /// The levels a host logs at unless configuration says otherwise (<c>Logging:LogLevel:&lt;category&gt;</c>, e.g.
    /// <c>Logging__LogLevel__Grpc=Debug</c>): the services' own lines (start, bundle versions, a dependency failing or
    /// answering again) at Information; the frameworks' per-request lines (ASP.NET Core's request start and end,
    /// gRPC's per-call statuses, HttpClient's per-request lines) only from Warning, so that steady traffic writes
    /// nothing; the gRPC client's from Error (it warns of every deadline exceeded, a caller's own included: the
    /// gateway logs a failing backend once per change of state instead). Lifetime lines (listening, stopping) stay.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> DefaultLevels = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:Grpc"] = "Warning",
        // a deadline exceeded per call: the gateway logs its backends' failures itself, by state
        ["Logging:LogLevel:Grpc.Net.Client"] = "Error",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        // a warning per probe while NOT_SERVING: the bundle loader logs why, once
        ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Error",
        ["Logging:LogLevel:Microsoft.Extensions.Http"] = "Warning",
    };

    /// <summary>
    /// Console logs on one line, as text or as JSON (Recs:LogFormat), with the trace and span ids of the call
    /// that wrote them; over OTLP as well when an endpoint is set. Levels: <see cref="DefaultLevels"/>, below every
    /// other configuration source.
    /// </summary>
    public static void AddRecsLogging(this WebApplicationBuilder builder, RecsOptions options)
    {
        builder.Configuration.Sources.Insert(
            0,
            new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = DefaultLevels }
        );
        builder.Logging.ClearProviders();
        if (options.LogFormat == RecsOptions.JsonLogs)
        {
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                json.UseUtcTimestamp = true;
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.IncludeScopes = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        builder.Logging.Configure(o =>
            o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId
        );
        if (ExportsOtlp(builder.Configuration))
        {
            builder.Logging.AddOpenTelemetry(otel =>
            {
                otel.IncludeScopes = true;
                otel.IncludeFormattedMessage = true;
            });
        }
    }

    /// <summary>
    /// Metrics always: RPC durations and the recommender's own instruments (meter "RecServices"), Kestrel's and the
    /// runtime's, scraped by Prometheus on /metrics. Traces only when they go somewhere: without
    /// an exporter, an always-on sampler would build and record spans on every call of every hop for nothing
    /// (docs/performance.md). The resource names the service and the bundle version it serves.
    /// </summary>
    public static void AddRecsOpenTelemetry(this WebApplicationBuilder builder, RecsOptions options, string serviceName)
    {
        var otlp = ExportsOtlp(builder.Configuration);
        if (!options.TrustTraceParent)
        {
            // ASP.NET Core reads the caller's traceparent through the registered propagator: this one reads none
            builder.Services.AddSingleton<DistributedContextPropagator>(new RemoteParentIgnored());
        }

        var telemetry = builder
            .Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
                resource
                    .AddService(
                        serviceName,
                        serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString(),
                        serviceInstanceId: Environment.MachineName
                    )
                    .AddAttributes([new(RecsTelemetry.BundleVersion, BundleVersionAtStart(options.BundlePath))])
            );

        telemetry.WithMetrics(metrics =>
        {
            // Not ASP.NET Core's per-request http.server.* instruments: for gRPC they repeat rpc.server.call.duration
            // at a cost on every call. Kestrel's are per connection; the runtime's are read only when collected.
            metrics.AddMeter(RecsTelemetry.MeterName, "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime");
            metrics.AddPrometheusExporter();
            if (otlp)
            {
                metrics.AddOtlpExporter();
            }
        });

        if (otlp)
        {
            telemetry.WithTracing(t =>
            {
                t.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)));
                t.AddAspNetCoreInstrumentation(o =>
                    o.Filter = context =>
                        !context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal)
                        && !context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal)
                );
                t.AddHttpClientInstrumentation();
                t.AddOtlpExporter();
            });
            telemetry.WithLogging(logs => logs.AddOtlpExporter());
        }
    }

    private static bool ExportsOtlp(ConfigurationManager configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>
    /// The version in the bundle's manifest when the process starts, or "none" when there is no readable bundle
    /// yet (the service keeps trying to load it; a restart picks the version up once it is there).
    /// </summary>
    private static string BundleVersionAtStart(string bundlePath)
    {
        try
        {
            return Bundle.ReadManifest(new BundleRoot(bundlePath).ServedDirectory()).Version;
        }
        catch (Exception e) when (e is BundleFormatException or IOException or UnauthorizedAccessException)
        {
            return "none";
        }
    }
}
