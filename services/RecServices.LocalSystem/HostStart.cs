using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace RecServices.LocalSystem;

/// <summary>
/// What every local start does, whether the hosts run as processes (<see cref="LocalServices"/>) or in the tests'
/// process: start again on new ports when a port found free was taken meanwhile, wait until a host answers
/// grpc.health.v1 SERVING, keep the user store in a fresh temporary folder, log quietly.
/// </summary>
public static class HostStart
{
    /// <summary>The log level of quiet local hosts: warnings and errors only.</summary>
    public const string Quiet = "--Logging:LogLevel:Default=Warning";

    /// <summary>
    /// Runs <paramref name="start"/> (which picks free ports itself) up to three times: a port found free can be taken
    /// by another process (other test assemblies start hosts at the same time) before the host binds it.
    /// </summary>
    public static async Task<T> RetryingTakenPortsAsync<T>(Func<Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (Exception e) when (attempt < 3 && IsPortTaken(e)) { }
        }
    }

    /// <summary>
    /// A new folder for a local system's user store (a SQLite file, a redis-server's files) under the temporary
    /// folder.
    /// </summary>
    public static string NewStoreDirectory() =>
        Directory
            .CreateDirectory(Path.Combine(Path.GetTempPath(), "recs-store-" + Guid.NewGuid().ToString("N")))
            .FullName;

    /// <summary>
    /// Asks grpc.health.v1 Check over <paramref name="channel"/> every 20 ms until the answer is SERVING; fails when
    /// <paramref name="gone"/> says the host is gone (its reason) or after <paramref name="timeout"/>, naming
    /// <paramref name="name"/> and the last answer. Returns the seconds waited.
    /// </summary>
    public static async Task<double> UntilServingAsync(
        GrpcChannel channel,
        string name,
        TimeSpan timeout,
        Func<string?>? gone = null,
        CancellationToken cancellationToken = default
    )
    {
        var health = new Health.HealthClient(channel);
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            if (gone?.Invoke() is { } reason)
            {
                throw new InvalidOperationException($"{name} {reason}");
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
                    return clock.Elapsed.TotalSeconds;
                }

                last = answer.Status.ToString();
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                last = $"{e.StatusCode}: {e.Status.Detail}";
            }

            await Task.Delay(20, cancellationToken); // often enough to time a start-up to a few tens of milliseconds
        }

        throw new TimeoutException($"{name} was not SERVING after {timeout.TotalSeconds:F0} s ({last})");
    }

    /// <summary>
    /// A cleartext channel that reconnects quickly: with the default backoff (growing towards two minutes) a host that
    /// is slow to open its port on a busy machine would be asked again only long after it started serving.
    /// </summary>
    public static GrpcChannel QuickReconnect(string address, GrpcChannelOptions? options = null)
    {
        options ??= new GrpcChannelOptions();
        options.InitialReconnectBackoff = TimeSpan.FromMilliseconds(100);
        options.MaxReconnectBackoff = TimeSpan.FromSeconds(1);
        return GrpcChannel.ForAddress(address, options);
    }

    private static bool IsPortTaken(Exception e) =>
        e is IOException or InvalidOperationException
        && (
            e.InnerException?.GetType().Name == "AddressInUseException"
            || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
        );
}
