using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace RecServices.LocalSystem;

/// <summary>
/// A redis-server child process on a free loopback port with its own data directory: append-only file on, fsynced
/// as <see cref="AppendFsync"/> says (always, by default), no RDB snapshots. Used by <c>recs-lab load --store redis</c>
/// and by the tests; each gets its own server, never a shared or fixed port. It can be killed with SIGKILL and
/// restarted on the same port and directory, to check what survived.
/// </summary>
public sealed class LocalRedis : IAsyncDisposable
{
    private readonly bool _ownsDirectory;
    private readonly IReadOnlyList<string> _settings;
    private ServiceProcess? _process;

    private LocalRedis(string directory, bool ownsDirectory, string appendFsync, IReadOnlyList<string> settings)
    {
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        AppendFsync = appendFsync;
        _settings = settings;
    }

    /// <summary>
    /// The redis-server executable: $RECS_REDIS_SERVER, else redis-server on PATH (Debian: apt-get install
    /// redis-server).
    /// </summary>
    public static string? Executable { get; } = FindExecutable();

    public int Port { get; private set; }

    public string Directory { get; }

    /// <summary>The AOF fsync policy: always, everysec or no.</summary>
    public string AppendFsync { get; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public int ProcessId => _process?.ProcessId ?? 0;

    /// <param name="directory">The data directory (created); a new temporary one, deleted on dispose, when
    /// null.</param>
    /// <param name="appendFsync">always (every acknowledged write fsynced first), everysec or no.</param>
    /// <param name="settings">More redis-server arguments, e.g. ["--cluster-enabled", "yes"].</param>
    /// <param name="cancellationToken">Stops waiting for the server to answer.</param>
    public static async Task<LocalRedis> StartAsync(
        string? directory = null,
        string appendFsync = "always",
        IReadOnlyList<string>? settings = null,
        CancellationToken cancellationToken = default
    )
    {
        if (appendFsync is not ("always" or "everysec" or "no"))
        {
            throw new ArgumentException(
                $"appendfsync must be always, everysec or no; got '{appendFsync}'",
                nameof(appendFsync)
            );
        }

        var owned = directory is null;
        var dir = Path.GetFullPath(
            directory ?? Path.Combine(Path.GetTempPath(), "recs-redis-" + Guid.NewGuid().ToString("N"))
        );
        System.IO.Directory.CreateDirectory(dir);
        var redis = new LocalRedis(dir, owned, appendFsync, settings ?? []);
        try
        {
            // a free port can be taken before redis-server binds it: then another
            return await HostStart.RetryingTakenPortsAsync(async () =>
            {
                redis.Port = LoopbackPort.Free();
                await redis.LaunchAsync(cancellationToken);
                return redis;
            });
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGSTOP: a hang, not a crash (connections stay open and nothing answers on them).</summary>
    public void Pause() => (_process ?? throw new InvalidOperationException("redis-server is not running")).Pause();

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => (_process ?? throw new InvalidOperationException("redis-server is not running")).Resume();

    /// <summary>SIGKILL: no shutdown, no last fsync; what the append-only file holds is what a restart finds.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.KillAsync();
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>
    /// Starts the server again on the same port and directory, and waits until it has loaded its data.
    /// </summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) =>
        _process is null
            ? LaunchAsync(cancellationToken)
            : throw new InvalidOperationException("redis-server is still running; kill it first");

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        if (_ownsDirectory && System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var program =
            Executable
            ?? throw new InvalidOperationException(
                "redis-server not found: install it (Debian: apt-get install redis-server) or set RECS_REDIS_SERVER"
            );
        _process = ServiceProcess.StartProgram(
            "redis-server",
            program,
            [
                "--port",
                Port.ToString(CultureInfo.InvariantCulture),
                "--bind",
                "127.0.0.1",
                "--protected-mode",
                "no",
                "--dir",
                Directory,
                "--appendonly",
                "yes",
                "--appendfsync",
                AppendFsync,
                "--save",
                string.Empty,
                "--daemonize",
                "no",
                "--logfile",
                string.Empty,
                .. _settings,
            ],
            "install redis-server (Debian: apt-get install redis-server) or set RECS_REDIS_SERVER"
        );

        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                var tail = _process.Tail();
                await _process.DisposeAsync();
                _process = null;
                throw new InvalidOperationException(
                    $"redis-server exited during start-up on port {Port}; its last output:{Environment.NewLine}{tail}"
                );
            }

            last = await PingAsync(Port, cancellationToken);
            if (last == "+PONG" || last.StartsWith("-NOAUTH", StringComparison.Ordinal)) // up, with a password
            {
                return;
            }

            await Task.Delay(20, cancellationToken);
        }

        throw new InvalidOperationException(
            $"redis-server did not answer PING on port {Port} within 60 s ({last}); its last "
                + $"output:{Environment.NewLine}{_process.Tail()}"
        );
    }

    /// <summary>
    /// PING over a raw socket: "+PONG" once ready, "-LOADING …" while the append-only file is replayed.
    /// </summary>
    private static async Task<string> PingAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[256];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).TrimEnd();
        }
        catch (Exception e)
            when (e is SocketException or IOException or OperationCanceledException
                && !cancellationToken.IsCancellationRequested
            )
        {
            return e.Message;
        }
    }

    private static string? FindExecutable()
    {
        if (
            Environment.GetEnvironmentVariable("RECS_REDIS_SERVER") is { Length: > 0 } configured
            && File.Exists(configured)
        )
        {
            return configured;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
    }
}
