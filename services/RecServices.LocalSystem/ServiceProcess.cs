using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RecServices.LocalSystem;

/// <summary>
/// One service host running as a child process: <c>dotnet RecServices.&lt;Name&gt;.dll</c> from beside the
/// recs assembly (the hosts are built with it, each with its own runtimeconfig, so server GC as deployed).
/// Keeps the last lines of its output for error messages; stopped with SIGTERM, then killed.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private const int OutputLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private long _outputBytes;

    private ServiceProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    /// <summary>When the process was started (a <see cref="Stopwatch"/> timestamp).</summary>
    public long StartedAt { get; } = Stopwatch.GetTimestamp();

    /// <summary>
    /// Seconds from its start until it was first seen SERVING (by <see cref="LocalServices"/>), or null.
    /// </summary>
    public double? ReadySeconds { get; internal set; }

    /// <summary>Its resident memory now, from /proc/&lt;pid&gt;/status (zeros where it cannot be read).</summary>
    public ResidentBytes Resident() => ResidentBytes.Of(_process.Id);

    /// <summary>
    /// Bytes the process has written to stdout and stderr (UTF-8, a newline per line): its log volume.
    /// </summary>
    public long OutputBytes => Interlocked.Read(ref _outputBytes);

    /// <summary>The last lines the process wrote (stdout and stderr), oldest first.</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    public static ServiceProcess Start(string assemblyName, IEnumerable<string> settings)
    {
        var directory = AppContext.BaseDirectory;
        var assembly = Path.Combine(directory, assemblyName + ".dll");
        if (!File.Exists(assembly) || !File.Exists(Path.Combine(directory, assemblyName + ".runtimeconfig.json")))
        {
            throw new InvalidOperationException(
                $"{assembly} (with its runtimeconfig.json) was not found beside recs; build "
                    + $"services/RecServices.Cli, which builds the three hosts with it"
            );
        }

        var info = new ProcessStartInfo(DotnetHost()) { WorkingDirectory = directory };
        info.ArgumentList.Add(assembly);
        foreach (var setting in settings)
        {
            info.ArgumentList.Add(setting);
        }

        return Launch(assemblyName, info, "put dotnet on PATH or set DOTNET_ROOT");
    }

    /// <summary>
    /// Any program as a child process (redis-server, say), with the same output tail and the same stop.
    /// </summary>
    /// <param name="name">The name error messages use.</param>
    /// <param name="program">The executable, by path or on PATH.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="hint">What to do when it cannot be started (how to install it).</param>
    public static ServiceProcess StartProgram(string name, string program, IEnumerable<string> arguments, string hint)
    {
        var info = new ProcessStartInfo(program);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Launch(name, info, hint);
    }

    /// <summary>
    /// SIGSTOP: the process hangs (its sockets stay open, nothing answers) until <see cref="Resume"/>.
    /// </summary>
    public void Pause() => Signal(19, "SIGSTOP");

    /// <summary>SIGCONT: a paused process runs again.</summary>
    public void Resume() => Signal(18, "SIGCONT");

    /// <summary>SIGKILL, as a crash would: no shutdown code runs. Returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    private static ServiceProcess Launch(string name, ProcessStartInfo info, string hint)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"could not start '{info.FileName} {string.Join(' ', info.ArgumentList)}' ({e.Message}); {hint}",
                e
            );
        }

        var service = new ServiceProcess(name, process);
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            if (OperatingSystem.IsWindows() || Kill(_process.Id, 15) != 0)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    /// <summary>
    /// The dotnet host: the one running this process when it is dotnet, else DOTNET_HOST_PATH, else DOTNET_ROOT's,
    /// else dotnet on PATH.
    /// </summary>
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var fromRoot = Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root
            ? Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet")
            : null;
        return fromRoot is not null && File.Exists(fromRoot) ? fromRoot : "dotnet";
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Add(ref _outputBytes, System.Text.Encoding.UTF8.GetByteCount(line) + 1);
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > OutputLines)
            {
                _tail.Dequeue();
            }
        }
    }

    private void Signal(int signal, string name)
    {
        if (OperatingSystem.IsWindows() || Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"could not send {name} to {Name} (pid {_process.Id})");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
