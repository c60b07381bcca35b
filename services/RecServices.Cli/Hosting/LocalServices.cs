using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace RecServices.Cli.Hosting;

/// <summary>
/// Retrieval, ranking and gateway started as three processes on loopback ports, serving one bundle, with a
/// fresh user store in a temporary directory (a SQLite file, or a redis-server of its own); ready once every one
/// answers grpc.health.v1 SERVING. Disposing stops them and deletes the store.
/// </summary>
public sealed class LocalServices : IAsyncDisposable
{
    private readonly List<ServiceProcess> _processes = [];
    private readonly List<(string Assembly, (int Grpc, int Http) Port, string[] Settings)> _started = [];
    private bool _defaultLogLevels;
    private LocalRedis? _redis;
    private readonly string _storeDirectory = Path.Combine(
        Path.GetTempPath(),
        "recs-local-" + Guid.NewGuid().ToString("N")
    );

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
    /// Starts the three hosts; <paramref name="retrievalSettings"/> and <paramref name="gatewaySettings"/> add
    /// <c>--Recs:Name=value</c> settings; <paramref name="userStore"/> is "sqlite" or "redis" (a redis-server started
    /// for the run, append-only file fsynced always); <paramref name="gateways"/> gateway replicas share that store. With
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
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(
                    bundlePath,
                    retrievalSettings,
                    gatewaySettings,
                    readyTimeout,
                    userStore,
                    gateways,
                    oneAtATime,
                    defaultLogLevels,
                    cancellationToken
                );
            }
            catch (InvalidOperationException e)
                when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            { }
        }
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
            Directory.CreateDirectory(services._storeDirectory);
            string[] store =
            [
                "--Recs:UserStore=sqlite",
                $"--Recs:UserStorePath={Path.Combine(services._storeDirectory, "users.db")}",
            ];
            if (userStore == "redis")
            {
                services._redis = await LocalRedis.StartAsync(
                    Path.Combine(services._storeDirectory, "redis"),
                    cancellationToken: cancellationToken
                );
                store = ["--Recs:UserStore=redis", $"--Recs:Redis={services._redis.Configuration}"];
            }

            var retrieval = FreePort();
            var ranking = FreePort();
            var gatewayPorts = Enumerable.Range(0, gateways).Select(_ => FreePort()).ToArray();
            (int Grpc, int Http)[] ports = [retrieval, ranking, .. gatewayPorts];
            var ready = Stopwatch.StartNew();
            var limit = readyTimeout ?? TimeSpan.FromMinutes(3);
            var waited = 0;
            async Task WaitStartedAsync()
            {
                for (; waited < services._processes.Count; waited++)
                {
                    await WaitServingAsync(
                        services._processes[waited],
                        ports[waited],
                        limit - ready.Elapsed,
                        cancellationToken
                    );
                }
            }

            // One at a time: each host is waited for before the next starts, so that its start-up is timed alone.
            Task WaitAsync() => oneAtATime ? WaitStartedAsync() : Task.CompletedTask;

            services.RetrievalAddress = $"http://127.0.0.1:{retrieval.Grpc}";
            services.RankingAddress = $"http://127.0.0.1:{ranking.Grpc}";
            services.Start(
                "RecServices.Retrieval",
                retrieval,
                [.. services.Settings(bundle, retrieval), .. retrievalSettings ?? []]
            );
            await WaitAsync();
            services.Start("RecServices.Ranking", ranking, services.Settings(bundle, ranking));
            await WaitAsync();
            foreach (var gateway in gatewayPorts)
            {
                string[] settings =
                [
                    .. services.Settings(bundle, gateway),
                    $"--Recs:RetrievalAddress={services.RetrievalAddress}",
                    $"--Recs:RankingAddress={services.RankingAddress}",
                    .. store,
                    .. gatewaySettings ?? [],
                ];
                services.Start("RecServices.Gateway", gateway, settings);
                await WaitAsync();
            }

            services.GatewayAddresses = gatewayPorts.Select(p => $"http://127.0.0.1:{p.Grpc}").ToArray();
            await WaitStartedAsync();
            return services;
        }
        catch
        {
            await services.DisposeAsync();
            throw;
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
    public string MetricsAddress(int position) => $"http://127.0.0.1:{_started[position].Port.Http}/metrics";

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

    private void Start(string assembly, (int Grpc, int Http) port, string[] settings)
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

    /// <summary>
    /// The settings of a host started on this machine (by <c>recs</c> as a process, by the tests in process): the
    /// bundle, its two loopback ports, bundle load retried every 0.2 s.
    /// </summary>
    public static string[] HostSettings(string bundle, int grpcPort, int httpPort) =>
        [
            $"--Recs:BundlePath={bundle}",
            $"--Recs:GrpcPort={grpcPort}",
            $"--Recs:HttpPort={httpPort}",
            "--Recs:ListenAddress=127.0.0.1",
            "--Recs:LoadRetrySeconds=0.2",
        ];

    private string[] Settings(string bundle, (int Grpc, int Http) port) =>
        [
            .. HostSettings(bundle, port.Grpc, port.Http),
            .. _defaultLogLevels
                ? Array.Empty<string>()
                :
                [
                    "--Logging:LogLevel:Default=Warning",
                    "--Logging:LogLevel:RecServices.ServiceDefaults.BundleLoader=Information", // which version, loaded in how long
                ],
        ];

    private static (int Grpc, int Http) FreePort() => (LoopbackPort.Free(), LoopbackPort.Free());

    private static async Task WaitServingAsync(
        ServiceProcess process,
        (int Grpc, int Http) port,
        TimeSpan timeout,
        CancellationToken cancellationToken
    )
    {
        // Reconnect quickly: with the default backoff (growing towards two minutes) a process that is slow to open its
        // port on a busy machine would be asked again only long after it started serving.
        using var channel = GrpcChannel.ForAddress(
            $"http://127.0.0.1:{port.Grpc}",
            new GrpcChannelOptions
            {
                InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
                MaxReconnectBackoff = TimeSpan.FromSeconds(1),
            }
        );
        var health = new Health.HealthClient(channel);
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"{process.Name} exited during start-up; its last output:{Environment.NewLine}{process.Tail()}"
                );
            }

            try
            {
                var answer = await health.CheckAsync(
                    new HealthCheckRequest(),
                    deadline: DateTime.UtcNow.AddSeconds(2),
                    cancellationToken: cancellationToken
                );
                if (answer.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    process.ReadySeconds = Stopwatch.GetElapsedTime(process.StartedAt).TotalSeconds;
                    return;
                }

                last = answer.Status.ToString();
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                last = $"{e.StatusCode}: {e.Status.Detail}";
            }

            await Task.Delay(20, cancellationToken); // often enough to time a start-up to a few tens of milliseconds
        }

        throw new InvalidOperationException(
            $"{process.Name} was not SERVING on port {port.Grpc} after {timeout.TotalSeconds:F0} s ({last}); its last output:{Environment.NewLine}{process.Tail()}"
        );
    }
}
