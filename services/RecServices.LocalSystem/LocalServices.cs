using System.Diagnostics;

namespace RecServices.LocalSystem;

/// <summary>
/// Retrieval, ranking and gateway started as three processes on loopback ports, serving one bundle, with a
/// fresh user store in a temporary directory (a SQLite file, or a redis-server of its own); ready once every one
/// answers grpc.health.v1 SERVING. Disposing stops them and deletes the store.
/// </summary>
public sealed class LocalServices : IAsyncDisposable
{
    private readonly List<ServiceProcess> _processes = [];
    private readonly List<(string Assembly, HostPorts Port, string[] Settings)> _started = [];
    private bool _defaultLogLevels;
    private LocalRedis? _redis;
    private readonly string _storeDirectory = HostStart.NewStoreDirectory();

    private LocalServices() { }

    /// <summary>The (first) gateway's gRPC address, e.g. http://127.0.0.1:41234.</summary>
    public string GatewayAddress => GatewayAddresses[0];

    /// <summary>Every gateway's gRPC address: replicas sharing the one user store.</summary>
    public IReadOnlyList<string> GatewayAddresses { get; private set; } = [];

    /// <summary>The first gateway's Prometheus endpoint (its HTTP/1.1 port).</summary>
    public string GatewayMetricsAddress => MetricsAddress(PositionOf("gateway"));

    /// <summary>Retrieval's gRPC address.</summary>
    public string RetrievalAddress { get; private set; } = string.Empty;

    /// <summary>Ranking's gRPC address.</summary>
    public string RankingAddress { get; private set; } = string.Empty;

    /// <summary>The processes: retrieval, ranking, then the gateways.</summary>
    public IReadOnlyList<ServiceProcess> Processes => _processes;

    /// <summary>The redis-server of the redis store; null with sqlite.</summary>
    public LocalRedis? Redis => _redis;

    /// <summary>
    /// The system over <paramref name="bundlePath"/> with the given user store and the default settings, saying so
    /// on <paramref name="output"/> first.
    /// </summary>
    public static Task<LocalServices> StartAsync(
        string bundlePath,
        string userStore,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        output.WriteLine(
            $"starting retrieval, ranking and gateway ({userStore} user store) on loopback over "
                + $"{Path.GetFullPath(bundlePath)}"
        );
        return StartAsync(bundlePath, userStore: userStore, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Starts the three hosts; <paramref name="retrievalSettings"/> and <paramref name="gatewaySettings"/> add
    /// <c>--Recs:Name=value</c> settings; <paramref name="userStore"/> is "sqlite" or "redis" (a redis-server started
    /// for the run, append-only file fsynced always); <paramref name="gateways"/> gateway replicas share that store.
    /// With
    /// <paramref name="oneAtATime"/> each host starts only once the one before it is SERVING, so that each start-up
    /// (<see cref="ServiceProcess.ReadySeconds"/>) is timed without the others beside it. With
    /// <paramref name="defaultLogLevels"/> the hosts log as deployed (else Warning, and the bundle loader's lines).
    /// </summary>
    /// <remarks>
    /// A port found free can be taken by another process before the host binds it; a host that exits with
    /// "address already in use" makes the start begin again on new ports (three attempts).
    /// </remarks>
    public static async Task<LocalServices> StartAsync(
        string bundlePath,
        IEnumerable<string>? retrievalSettings = null,
        IEnumerable<string>? gatewaySettings = null,
        TimeSpan? readyTimeout = null,
        string userStore = "sqlite",
        int gateways = 1,
        bool oneAtATime = false,
        bool defaultLogLevels = false,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gateways, 1);
        return await HostStart.RetryingTakenPortsAsync(() =>
            StartOnceAsync(
                bundlePath,
                retrievalSettings,
                gatewaySettings,
                readyTimeout,
                userStore,
                gateways,
                oneAtATime,
                defaultLogLevels,
                cancellationToken
            )
        );
    }

    private static async Task<LocalServices> StartOnceAsync(
        string bundlePath,
        IEnumerable<string>? retrievalSettings,
        IEnumerable<string>? gatewaySettings,
        TimeSpan? readyTimeout,
        string userStore,
        int gateways,
        bool oneAtATime,
        bool defaultLogLevels,
        CancellationToken cancellationToken
    )
    {
        if (userStore is not ("sqlite" or "redis"))
        {
            throw new ArgumentException(
                $"the user store must be sqlite or redis; got '{userStore}'",
                nameof(userStore)
            );
        }

        var bundle = Path.GetFullPath(bundlePath);
        var services = new LocalServices { _defaultLogLevels = defaultLogLevels };
        try
        {
            var store = await services.StartStoreAsync(userStore, cancellationToken);
            var layout = SystemLayout.OnFreePorts(bundle, gateways);
            var startup = new Startup(
                services,
                [layout.Retrieval, layout.Ranking, .. layout.Gateways],
                readyTimeout ?? TimeSpan.FromMinutes(3),
                oneAtATime,
                cancellationToken
            );
            services.RetrievalAddress = layout.Retrieval.GrpcAddress;
            services.RankingAddress = layout.Ranking.GrpcAddress;
            // every service reads the live catalog from the one store
            services.Start(
                "RecServices.Retrieval",
                layout.Retrieval,
                [.. services.WithLogLevels(layout.RetrievalSettings), .. store, .. retrievalSettings ?? []]
            );
            await startup.StartedAsync();
            services.Start(
                "RecServices.Ranking",
                layout.Ranking,
                [.. services.WithLogLevels(layout.RankingSettings), .. store]
            );
            await startup.StartedAsync();
            for (var gateway = 0; gateway < gateways; gateway++)
            {
                string[] settings =
                [
                    .. services.WithLogLevels(layout.GatewaySettings(gateway)),
                    .. store,
                    // every load and drill caller is one peer (loopback): they measure capacity, not the limit
                    "--Recs:WritesPerSecondPerCaller=0",
                    .. gatewaySettings ?? [],
                ];
                services.Start("RecServices.Gateway", layout.Gateways[gateway], settings);
                await startup.StartedAsync();
            }

            services.GatewayAddresses = layout.Gateways.Select(p => p.GrpcAddress).ToArray();
            await startup.AllServingAsync();
            return services;
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The user store settings of every service (the gateways keep the users there, all read the live catalog): a
    /// SQLite file in the system's store directory, or a redis-server started
    /// for the system over its own append-only file.
    /// </summary>
    private async Task<string[]> StartStoreAsync(string userStore, CancellationToken cancellationToken)
    {
        if (userStore != "redis")
        {
            return SystemLayout.SqliteStore(_storeDirectory);
        }

        _redis = await LocalRedis.StartAsync(
            Path.Combine(_storeDirectory, "redis"),
            cancellationToken: cancellationToken
        );
        return SystemLayout.RedisStore(_redis.Configuration);
    }

    /// <summary>
    /// Waits for the started hosts to serve, in start order, within one time limit for them all; one at a time
    /// (each waited for before the next starts, so that its start-up is timed alone) or all at the end.
    /// </summary>
    private sealed class Startup(
        LocalServices services,
        HostPorts[] ports,
        TimeSpan limit,
        bool oneAtATime,
        CancellationToken cancellationToken
    )
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _waited;

        /// <summary>After each start: waits for that host when starting one at a time.</summary>
        public Task StartedAsync() => oneAtATime ? AllServingAsync() : Task.CompletedTask;

        public async Task AllServingAsync()
        {
            for (; _waited < services._processes.Count; _waited++)
            {
                await WaitServingAsync(
                    services._processes[_waited],
                    ports[_waited],
                    limit - _clock.Elapsed,
                    cancellationToken
                );
            }
        }
    }

    /// <summary>
    /// The SQLite file of the sqlite store, or <c>redis://…</c> of the redis one: what <c>recs train
    /// --interactions</c> takes.
    /// </summary>
    public string UserStoreLocation =>
        _redis is null ? Path.Combine(_storeDirectory, "users.db") : "redis://" + _redis.Configuration;

    /// <summary>
    /// The position in <see cref="Processes"/> of retrieval (0), ranking (1) and gateway <paramref name="index"/>.
    /// </summary>
    public static int PositionOf(string service, int index = 0) =>
        service switch
        {
            "retrieval" => 0,
            "ranking" => 1,
            "gateway" => 2 + index,
            _ => throw new ArgumentException($"no service '{service}': retrieval, ranking or gateway", nameof(service)),
        };

    /// <summary>
    /// The Prometheus endpoint of process <paramref name="position"/> (<see cref="PositionOf"/>), on its HTTP/1.1
    /// port.
    /// </summary>
    public string MetricsAddress(int position) => _started[position].Port.MetricsAddress;

    /// <summary>
    /// Kills process <paramref name="position"/> (<see cref="PositionOf"/>) with SIGKILL (a crash: no shutdown code
    /// runs).
    /// </summary>
    public Task KillAsync(int position) => _processes[position].KillAsync();

    /// <summary>
    /// Starts process <paramref name="position"/> again, same port and settings, and waits until it is SERVING.
    /// </summary>
    public async Task RestartAsync(int position, CancellationToken cancellationToken = default)
    {
        await _processes[position].DisposeAsync();
        var (assembly, port, settings) = _started[position];
        _processes[position] = ServiceProcess.Start(assembly, settings);
        await WaitServingAsync(_processes[position], port, TimeSpan.FromMinutes(3), cancellationToken);
    }

    /// <summary>Kills gateway <paramref name="index"/> with SIGKILL (a crash: no shutdown code runs).</summary>
    public Task KillGatewayAsync(int index = 0) => KillAsync(PositionOf("gateway", index));

    /// <summary>
    /// Starts gateway <paramref name="index"/> again, same port and settings, and waits until it is SERVING.
    /// </summary>
    public Task RestartGatewayAsync(int index = 0, CancellationToken cancellationToken = default) =>
        RestartAsync(PositionOf("gateway", index), cancellationToken);

    private void Start(string assembly, HostPorts port, string[] settings)
    {
        _started.Add((assembly, port, settings));
        _processes.Add(ServiceProcess.Start(assembly, settings));
    }

    public async ValueTask DisposeAsync()
    {
        // The gateway first, so that it does not see its dependencies vanish under load.
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (Directory.Exists(_storeDirectory))
        {
            Directory.Delete(_storeDirectory, recursive: true);
        }
    }

    /// <summary>The host's settings, quiet unless the services keep their default log levels.</summary>
    private string[] WithLogLevels(string[] settings) =>
        _defaultLogLevels
            ? settings
            :
            [
                .. settings,
                HostStart.Quiet,
                // which version, loaded in how long
                "--Logging:LogLevel:RecServices.BundleServing.BundleLoader=Information",
            ];

    private static async Task WaitServingAsync(
        ServiceProcess process,
        HostPorts port,
        TimeSpan timeout,
        CancellationToken cancellationToken
    )
    {
        using var channel = HostStart.QuickReconnect(port.GrpcAddress);
        try
        {
            await HostStart.UntilServingAsync(
                channel,
                process.Name,
                timeout,
                () => process.HasExited ? "exited during start-up" : null,
                cancellationToken
            );
            process.ReadySeconds = Stopwatch.GetElapsedTime(process.StartedAt).TotalSeconds;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"{e.Message} on port {port.Grpc}; its last output:{Environment.NewLine}{process.Tail()}",
                e
            );
        }
    }
}
