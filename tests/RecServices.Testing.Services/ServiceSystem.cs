using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Ranking.V2;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Gateway;
using RecServices.LocalSystem;
using RecServices.Ranking;
using RecServices.Retrieval;

namespace RecServices.Testing;

/// <summary>
/// The three real hosts (Kestrel on loopback, real ports, real bundle, real SQLite file) started in this
/// process, with gRPC clients for each. A test may stop retrieval or ranking to exercise the gateway's
/// degraded paths.
/// </summary>
public sealed class ServiceSystem : IAsyncDisposable
{
    private readonly string _storeDirectory;

    private readonly TestTls? _tls;

    private ServiceSystem(string bundlePath, string storeDirectory, TestTls? tls)
    {
        Layout = SystemLayout.OnFreePorts(bundlePath);
        _storeDirectory = storeDirectory;
        _tls = tls;
    }

    public WebApplication? Retrieval { get; private set; }

    /// <summary>The gateway's SQLite user store file (unless the test's settings name another store).</summary>
    public string SqliteStorePath => Path.Combine(_storeDirectory, "users.db");

    public WebApplication? Ranking { get; private set; }

    public WebApplication? Gateway { get; private set; }

    /// <summary>The hosts' ports and settings, as <c>recs</c> lays out the processes it starts.</summary>
    public SystemLayout Layout { get; }

    public HostPorts RetrievalPorts => Layout.Retrieval;

    public HostPorts RankingPorts => Layout.Ranking;

    public HostPorts GatewayPorts => Layout.Gateways[0];

    public GrpcChannel GatewayChannel { get; private set; } = null!;

    public GatewayService.GatewayServiceClient GatewayClient => new(GatewayChannel);

    public RetrievalService.RetrievalServiceClient RetrievalClient =>
        new(_retrievalChannel ?? GrpcChannel.ForAddress(RetrievalPorts.GrpcAddress));

    public RankingService.RankingServiceClient RankingClient =>
        new(_rankingChannel ?? GrpcChannel.ForAddress(RankingPorts.GrpcAddress));

    /// <summary>Retrieval's v1 contract, still served for callers built before v2.</summary>
    public Contracts.Retrieval.V1.RetrievalService.RetrievalServiceClient RetrievalV1Client =>
        new(_retrievalChannel ?? GrpcChannel.ForAddress(RetrievalPorts.GrpcAddress));

    /// <summary>Ranking's v1 contract, still served for callers built before v2.</summary>
    public Contracts.Ranking.V1.RankingService.RankingServiceClient RankingV1Client =>
        new(_rankingChannel ?? GrpcChannel.ForAddress(RankingPorts.GrpcAddress));

    // the backends' channels of an in-memory system (on their test servers); null on Kestrel
    private GrpcChannel? _retrievalChannel;
    private GrpcChannel? _rankingChannel;

    /// <summary>
    /// <paramref name="configureServices"/>, then ASP.NET Core's TestServer as the host's server (what
    /// <c>UseTestServer</c> registers): requests come from its handler, not from a socket.
    /// </summary>
    private static Action<IServiceCollection> OnTestServer(Action<IServiceCollection>? configureServices) =>
        services =>
        {
            configureServices?.Invoke(services);
            services.AddSingleton<IServer, TestServer>();
        };

    /// <summary>
    /// <paramref name="hostServices"/>, and the gateway's retrieval and ranking clients on the handlers of those
    /// hosts' test servers.
    /// </summary>
    private static Action<IServiceCollection> OnBackendTestServers(
        Action<IServiceCollection> hostServices,
        WebApplication retrieval,
        WebApplication ranking
    ) =>
        services =>
        {
            hostServices(services);
            services
                .AddGrpcClient<RetrievalService.RetrievalServiceClient>()
                .ConfigurePrimaryHttpMessageHandler(retrieval.GetTestServer().CreateHandler);
            services
                .AddGrpcClient<RankingService.RankingServiceClient>()
                .ConfigurePrimaryHttpMessageHandler(ranking.GetTestServer().CreateHandler);
        };

    /// <summary>A gRPC channel to an in-memory host, through its test server's handler.</summary>
    private static GrpcChannel OnServer(WebApplication app)
    {
        var server = app.GetTestServer();
        return GrpcChannel.ForAddress(
            server.BaseAddress,
            new GrpcChannelOptions { HttpHandler = server.CreateHandler() }
        );
    }

    /// <summary>
    /// Starts the three hosts on free loopback ports. A port found free can be taken by another process
    /// (other test assemblies start hosts at the same time) before Kestrel binds it: then it starts again on new ports.
    /// </summary>
    /// <param name="bundlePath">The bundle every host serves.</param>
    /// <param name="gatewayArgs">Extra settings of the gateway.</param>
    /// <param name="configureServices">Extra registrations of every host (a telemetry exporter, say).</param>
    /// <param name="dnsAddresses">The gateway calls dns:///localhost:port (resolver and round robin) instead of
    /// http://127.0.0.1:port.</param>
    /// <param name="hostArgs">Extra settings of all three hosts.</param>
    /// <param name="tls">TLS on every gRPC port with these certificates, mutual TLS from the gateway to the
    /// backends.</param>
    /// <param name="inMemory">Every host on ASP.NET Core's TestServer instead of Kestrel: no socket, the gateway's
    /// backend clients and the test's channels on the test servers' handlers (grpc-dotnet's GrpcTestFixture
    /// pattern). For tests that need no port, no process and no other client.</param>
    public static async Task<ServiceSystem> StartAsync(
        string bundlePath,
        IEnumerable<string>? gatewayArgs = null,
        Action<IServiceCollection>? configureServices = null,
        bool dnsAddresses = false,
        IEnumerable<string>? hostArgs = null,
        TestTls? tls = null,
        bool inMemory = false
    )
    {
        return await HostStart.RetryingTakenPortsAsync(() =>
            StartOnceAsync(
                bundlePath,
                gatewayArgs,
                configureServices,
                dnsAddresses,
                hostArgs?.ToArray() ?? [],
                tls,
                inMemory
            )
        );
    }

    private static async Task<ServiceSystem> StartOnceAsync(
        string bundlePath,
        IEnumerable<string>? gatewayArgs,
        Action<IServiceCollection>? configureServices,
        bool dnsAddresses,
        string[] hostArgs,
        TestTls? tls,
        bool inMemory
    )
    {
        var system = new ServiceSystem(bundlePath, HostStart.NewStoreDirectory(), tls);
        string[] backendTls = tls?.BackendArgs ?? [];
        var backend =
            dnsAddresses ? "dns:///localhost"
            : tls is null ? HostPorts.Loopback
            : "https://127.0.0.1";
        var hostServices = inMemory ? OnTestServer(configureServices) : configureServices;
        // every service reads the live catalog from the one store the gateway keeps the users in
        var store = SystemLayout.SqliteStore(system._storeDirectory);
        system.Retrieval = RetrievalApp.Build(
            [.. system.Layout.RetrievalSettings, HostStart.Quiet, .. store, .. hostArgs, .. backendTls],
            hostServices
        );
        system.Ranking = RankingApp.Build(
            [.. system.Layout.RankingSettings, HostStart.Quiet, .. store, .. hostArgs, .. backendTls],
            hostServices
        );
        try
        {
            // the backends first (in memory, the gateway's clients are given their test servers)
            await Task.WhenAll(system.Retrieval.StartAsync(), system.Ranking.StartAsync()).WithTimeout();
            system.Gateway = GatewayApp.Build(
                [
                    .. system.Layout.GatewaySettings(0, backend),
                    HostStart.Quiet,
                    .. hostArgs,
                    .. tls?.GatewayArgs ?? [],
                    .. store,
                    "--Recs:RetrievalTimeoutMs=15000", // generous: first calls JIT, and test classes run side by side
                    "--Recs:RankingTimeoutMs=15000",
                    "--Recs:UserStoreTimeoutMs=15000",
                    .. gatewayArgs ?? [],
                ],
                inMemory ? OnBackendTestServers(hostServices!, system.Retrieval, system.Ranking) : hostServices
            );
            await system.Gateway.StartAsync().WithTimeout();
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }

        if (inMemory)
        {
            system.GatewayChannel = OnServer(system.Gateway);
            system._retrievalChannel = OnServer(system.Retrieval);
            system._rankingChannel = OnServer(system.Ranking);
            foreach (var channel in new[] { system.GatewayChannel, system._retrievalChannel, system._rankingChannel })
            {
                await HostStart.UntilServingAsync(channel, "an in-memory host", TaskTimeouts.Default);
            }

            return system;
        }

        system.GatewayChannel =
            tls?.Channel(system.GatewayPorts.Grpc, client: null)
            ?? GrpcChannel.ForAddress(system.GatewayPorts.GrpcAddress);
        foreach (var port in new[] { system.RetrievalPorts.Grpc, system.RankingPorts.Grpc, system.GatewayPorts.Grpc })
        {
            using var channel =
                tls?.Channel(port, tls.Gateway) ?? HostStart.QuickReconnect($"{HostPorts.Loopback}:{port}");
            await HostStart.UntilServingAsync(channel, $"the host on port {port}", TaskTimeouts.Default);
        }

        return system;
    }

    /// <summary>
    /// The command-line arguments a host gets: bundle, loopback ports, quiet logs, fast load retries.
    /// </summary>
    public static string[] Args(string bundlePath, HostPorts ports) =>
        [.. SystemLayout.HostSettings(bundlePath, ports), HostStart.Quiet];

    /// <summary>grpc.health.v1 Check of the whole server on <paramref name="port"/>.</summary>
    public static async Task<HealthCheckResponse.Types.ServingStatus> HealthAsync(int port)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var response = await new Health.HealthClient(channel).CheckAsync(
            new HealthCheckRequest(),
            deadline: DateTime.UtcNow.AddSeconds(10)
        );
        return response.Status;
    }

    /// <summary>
    /// grpc.health.v1 Check of the whole server on <paramref name="port"/>, over TLS with the gateway's certificate
    /// when the system has TLS.
    /// </summary>
    public async Task<HealthCheckResponse.Types.ServingStatus> PortHealthAsync(int port)
    {
        if (_tls is null)
        {
            return await HealthAsync(port);
        }

        using var channel = _tls.Channel(port, _tls.Gateway);
        return (
            await new Health.HealthClient(channel).CheckAsync(
                new HealthCheckRequest(),
                deadline: DateTime.UtcNow.AddSeconds(10)
            )
        ).Status;
    }

    /// <summary>Reads a whole Recommend stream from the gateway.</summary>
    public async Task<List<RecommendResponse>> RecommendAsync(string userId, int count)
    {
        var items = new List<RecommendResponse>();
        await foreach (
            var item in new GatewayClient(GatewayChannel)
                .RecommendAsync(userId, count, TimeSpan.FromSeconds(30))
                .WithTimeoutEach()
        )
        {
            items.Add(item);
        }

        return items;
    }

    public async Task StopRankingAsync()
    {
        await Ranking!.StopAsync().WithTimeout();
        await Ranking.DisposeAsync();
        Ranking = null;
    }

    public async Task StopRetrievalAsync()
    {
        await Retrieval!.StopAsync().WithTimeout();
        await Retrieval.DisposeAsync();
        Retrieval = null;
    }

    public async ValueTask DisposeAsync()
    {
        GatewayChannel?.Dispose();
        _retrievalChannel?.Dispose();
        _rankingChannel?.Dispose();
        foreach (var app in new[] { Gateway, Ranking, Retrieval })
        {
            if (app is not null)
            {
                await app.StopAsync().WithTimeout();
                await app.DisposeAsync();
            }
        }

        if (Directory.Exists(_storeDirectory))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_storeDirectory, recursive: true);
        }
    }
}
