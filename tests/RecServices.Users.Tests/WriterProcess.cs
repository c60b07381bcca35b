using System.Diagnostics;

namespace RecServices.Users.Tests;

/// <summary>
/// This test assembly run as a child process (<see cref="Program"/>) writing through a store, read line by line: the
/// events it printed "ack" for are the ones the store acknowledged to it.
/// </summary>
public sealed class WriterProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _acknowledged = [];
    private readonly List<string> _failures = [];
    private readonly Task _reading;

    private WriterProcess(Process process)
    {
        _process = process;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Event ids acknowledged so far, in order.</summary>
    public IReadOnlyList<string> Acknowledged
    {
        get
        {
            lock (_acknowledged)
            {
                return [.. _acknowledged];
            }
        }
    }

    public int Failures
    {
        get
        {
            lock (_acknowledged)
            {
                return _failures.Count;
            }
        }
    }

    public static WriterProcess Start(string kind, string target, string user)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { typeof(Program).Assembly.Location, "write", kind, target, user })
        {
            info.ArgumentList.Add(argument);
        }

        return new WriterProcess(
            Process.Start(info) ?? throw new InvalidOperationException("could not start the writer")
        );
    }

    /// <summary>Waits until at least <paramref name="count"/> events are acknowledged in all.</summary>
    public Task UntilAcknowledgedAsync(int count) =>
        TaskTimeouts
            .Until(
                () => Task.FromResult(Acknowledged.Count >= count || _process.HasExited),
                $"{count} acknowledged writes",
                TimeSpan.FromMinutes(2)
            )
            .ContinueWith(
                t =>
                    _process.HasExited && Acknowledged.Count < count
                        ? throw new InvalidOperationException(
                            $"the writer exited ({_process.ExitCode}): {_process.StandardError.ReadToEnd()}"
                        )
                        : t,
                TaskScheduler.Default
            )
            .Unwrap();

    /// <summary>
    /// Waits until the writer has reported at least <paramref name="count"/> failures (its store is down).
    /// </summary>
    public Task UntilFailingAsync(int count) =>
        TaskTimeouts.Until(() => Task.FromResult(Failures >= count), $"{count} failed writes", TimeSpan.FromMinutes(2));

    /// <summary>SIGKILL, then reads what it had printed before it died: every ack it wrote counts.</summary>
    public async Task<IReadOnlyList<string>> KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WithTimeout();
        await _reading.WithTimeout();
        return Acknowledged;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WithTimeout();
        }

        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            lock (_acknowledged)
            {
                if (line.StartsWith("ack ", StringComparison.Ordinal))
                {
                    _acknowledged.Add(line.Split(' ')[1]);
                }
                else if (line.StartsWith("fail ", StringComparison.Ordinal))
                {
                    _failures.Add(line);
                }
            }
        }
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";
}
