using System.ComponentModel.DataAnnotations;
using Grpc.AspNetCore.HealthChecks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RecServices.GrpcHardening;
using RecServices.ServiceDefaults.Telemetry;
using RecServices.ServiceDefaults.Tls;

namespace RecServices.ServiceDefaults;

/// <summary>The set-up every RecServices host shares.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Reads and validates the <c>Recs</c> options (a bad value stops the start with a message naming the setting),
    /// puts gRPC on an HTTP/2-only port (cleartext, or TLS and mutual TLS with <c>Recs:Tls</c>) and health and
    /// metrics on an HTTP/1.1 port, and adds gRPC with reflection, grpc.health.v1 (service "" and
    /// <paramref name="grpcServiceName"/>: ready once the bundle is loaded; "liveness": serving while the process
    /// runs), RPC metrics, logs (text or JSON, with trace ids) and OpenTelemetry: metrics always (Prometheus on
    /// /metrics), and traces, metrics and logs over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (traces sampled by
    /// Recs:TraceSampleRatio).
    /// </summary>
    public static TOptions AddServiceDefaults<TOptions>(
        this WebApplicationBuilder builder,
        string serviceName,
        string grpcServiceName
    )
        where TOptions : RecsOptions, new()
    {
        // Bound and validated once, here; the services get that same instance.
        var options = ReadOptions<TOptions>(builder.Configuration);
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton<RecsOptions>(options);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var tls = options.Tls.Enabled ? GrpcPortTls.Create(options.Tls, kestrel.ApplicationServices) : null;
            Listen(kestrel, options.ListenAddress, options.GrpcPort, HttpProtocols.Http2, tls);
            Listen(kestrel, options.ListenAddress, options.HttpPort, HttpProtocols.Http1, null);
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024; // a token and gRPC's headers fit many times
            kestrel.Limits.Http2.MaxRequestHeaderFieldSize = 16 * 1024;
        });

        builder.Services.AddSingleton<RpcMetrics>();
        builder.Services.AddSingleton<RpcServerMetricsInterceptor>(); // resolved once, not activated per call
        builder.Services.AddSingleton(new HealthWatchLimit(options.MaxHealthWatches));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.EnableDetailedErrors = false;
            grpc.MaxReceiveMessageSize = options.MaxRequestBytes;
            grpc.Interceptors.Add<RpcServerMetricsInterceptor>();
            grpc.Interceptors.Add<HealthWatchLimit>();
        });
        if (options.Reflection)
        {
            builder.Services.AddGrpcReflection();
        }

        builder
            .Services.AddGrpcHealthChecks()
            .AddCheck(HealthServices.ProcessCheck, () => HealthCheckResult.Healthy("the process is running"));
        builder.Services.Configure<GrpcHealthChecksOptions>(health =>
        {
            health.Services.Map(grpcServiceName, _ => true);
            health.Services.Map(HealthServices.Liveness, result => result.Name == HealthServices.ProcessCheck);
        });

        builder.AddRecsLogging(options);
        builder.AddRecsOpenTelemetry(options, serviceName);

        builder.Services.AddRequestHardening();
        return options;
    }

    /// <summary>
    /// Maps reflection (unless Recs:Reflection is false), grpc.health.v1 and (on the HTTP port) /healthz and
    /// /healthz/live.
    /// </summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<RecsOptions>();
        app.UseLengthPrefixCheck();
        app.UseHttpPortOnly(options.HttpPort, "/healthz", "/metrics");
        if (options.Reflection)
        {
            app.MapGrpcReflectionService();
        }

        app.MapGrpcHealthChecksService();
        // Over HTTP/1.1 for probes that cannot speak gRPC over TLS (the kubelet's gRPC probes are cleartext):
        // /healthz is ready (the bundle loaded), /healthz/live the process running.
        // (only there: HttpPortOnly answers 404 on any other port, whatever the Host header says)
        app.MapHealthChecks("/healthz");
        app.MapHealthChecks(
            "/healthz/live",
            new HealthCheckOptions { Predicate = check => check.Name == HealthServices.ProcessCheck }
        );
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>Binds and validates the options now, so that a bad setting fails before anything listens.</summary>
    public static TOptions ReadOptions<TOptions>(IConfiguration configuration)
        where TOptions : RecsOptions, new()
    {
        var options = new TOptions();
        configuration.GetSection(RecsOptions.SectionName).Bind(options);
        var results = new List<ValidationResult>();
        var context = new ValidationContext(options);
        if (
            !Validator.TryValidateObject(options, context, results, validateAllProperties: true)
            && options is IValidatableObject self
        )
        {
            // the validator skips the object's own rules once a property fails: report every problem at once
            results.AddRange(self.Validate(context));
        }

        var problems = results.Select(r => r.ErrorMessage ?? "invalid setting").ToList();
        problems.AddRange(options.Tls.Problems());
        if (options.GrpcPort == options.HttpPort && options.GrpcPort != 0)
        {
            problems.Add("Recs:GrpcPort and Recs:HttpPort must differ (gRPC needs its own HTTP/2-only port)");
        }

        if (options.ListenAddress != "*" && !System.Net.IPAddress.TryParse(options.ListenAddress, out _))
        {
            problems.Add($"Recs:ListenAddress '{options.ListenAddress}' must be '*' or an IP address");
        }

        return problems.Count == 0
            ? options
            : throw new OptionsValidationException(RecsOptions.SectionName, typeof(TOptions), problems);
    }

    private static void Listen(
        KestrelServerOptions kestrel,
        string address,
        int port,
        HttpProtocols protocols,
        GrpcPortTls? tls
    )
    {
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            tls?.Apply(listen);
        }

        if (address == "*")
        {
            kestrel.ListenAnyIP(port, Configure);
        }
        else
        {
            kestrel.Listen(System.Net.IPAddress.Parse(address), port, Configure);
        }
    }
}
