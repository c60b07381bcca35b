using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace RecServices.Lab.Profile;

/// <summary>
/// The CPU samples of one process from a trace file (<c>dotnet-trace collect-linux --profile cpu-sampling -p
/// PID</c>: the kernel's CPU samples with native and managed frames), and where they go: share by
/// <see cref="CpuComponents"/>, and the RecServices methods with the most samples under them.
/// </summary>
public sealed class CpuProfile
{
    private CpuProfile(IReadOnlyList<Frame[]> samples) => Samples = samples;

    /// <summary>Each sample's stack, leaf first.</summary>
    public IReadOnlyList<Frame[]> Samples { get; }

    /// <summary>
    /// Reads the samples of <paramref name="processId"/> (or of the process with the most samples) from a .nettrace
    /// file.
    /// </summary>
    public static CpuProfile Read(string path, int? processId)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no trace file at '{path}'", path);
        }

        var etlx = Path.Combine(Path.GetTempPath(), $"recs-profile-{Guid.NewGuid():N}.etlx");
        try
        {
            try
            {
                TraceLog.CreateFromEventPipeDataFile(path, etlx, new TraceLogOptions { ContinueOnError = true });
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException(
                    $"'{path}' is not a readable .nettrace file ({e.Message}): record one with "
                        + $"'dotnet-trace collect-linux --profile cpu-sampling -p <pid>'",
                    e
                );
            }

            using var log = new TraceLog(etlx);
            var byProcess = new Dictionary<int, List<Frame[]>>();
            foreach (var sample in log.Events)
            {
                if (sample.CallStack() is not { } stack)
                {
                    continue;
                }

                var frames = new List<Frame>();
                for (var s = stack; s is not null; s = s.Caller)
                {
                    frames.Add(
                        new Frame(
                            s.CodeAddress.ModuleName ?? string.Empty,
                            s.CodeAddress.FullMethodName ?? string.Empty
                        )
                    );
                }

                if (!byProcess.TryGetValue(sample.ProcessID, out var list))
                {
                    byProcess[sample.ProcessID] = list = [];
                }

                list.Add([.. frames]);
            }

            if (byProcess.Count == 0)
            {
                throw new InvalidDataException(
                    $"'{path}' holds no sampled stacks: record it with 'dotnet-trace collect-linux "
                        + $"--profile cpu-sampling -p <pid>'"
                );
            }

            if (processId is { } pid)
            {
                return byProcess.TryGetValue(pid, out var chosen)
                    ? new CpuProfile(chosen)
                    : throw new InvalidDataException(
                        $"'{path}' has no samples of process {pid}; it has {string.Join(", ", byProcess.Keys)}"
                    );
            }

            return new CpuProfile(byProcess.MaxBy(p => p.Value.Count).Value);
        }
        finally
        {
            File.Delete(etlx);
        }
    }

    /// <summary>A profile of the given stacks (leaf first).</summary>
    public static CpuProfile Of(IReadOnlyList<Frame[]> samples) => new(samples);

    /// <summary>Each component's share of the samples, largest first.</summary>
    public IReadOnlyList<(string Component, double Share)> Components() =>
        Samples
            .GroupBy(CpuComponents.Of)
            .Select(g => (g.Key, (double)g.Count() / Samples.Count))
            .OrderByDescending(c => c.Item2)
            .ToList();

    /// <summary>
    /// The RecServices methods with the largest share of samples anywhere below them, largest first: by name (an async
    /// method's state machine counts as the method), less the middleware and interceptors that wrap every call.
    /// </summary>
    public IReadOnlyList<(string Method, double Share)> OwnMethods(int top) =>
        Samples
            .SelectMany(s =>
                s.Where(f =>
                        f.IsManaged
                        && f.Method.StartsWith("RecServices.", StringComparison.Ordinal)
                        && !f.Method.StartsWith("RecServices.ServiceDefaults.", StringComparison.Ordinal)
                        && !f.Method.StartsWith("RecServices.GrpcHardening.", StringComparison.Ordinal)
                    )
                    .Select(f => MethodName(f.Method))
                    .Distinct()
            )
            .GroupBy(m => m)
            .Select(g => (g.Key, (double)g.Count() / Samples.Count))
            .OrderByDescending(m => m.Item2)
            .Take(top)
            .ToList();

    /// <summary>
    /// <c>Ns.Type::Method(args)</c> as <c>Ns.Type.Method</c>; an async state machine
    /// <c>Ns.Type+&lt;Method&gt;d__7::MoveNext()</c> as <c>Ns.Type.Method</c>.
    /// </summary>
    public static string MethodName(string method)
    {
        var name = method.Split('(')[0];
        var separator = name.IndexOf("::", StringComparison.Ordinal);
        var (type, member) = separator < 0 ? (name, string.Empty) : (name[..separator], name[(separator + 2)..]);
        var machine = type.IndexOf("+<", StringComparison.Ordinal);
        if (machine >= 0 && type.IndexOf('>', machine) is var end and > 0 && end > machine + 2)
        {
            return $"{type[..machine]}.{type[(machine + 2)..end]}";
        }

        return member.Length == 0 ? type : $"{type}.{member}";
    }

    /// <summary>
    /// The report as markdown; with <paramref name="cpuMicrosPerCall"/>, each share also as µs of CPU per call.
    /// </summary>
    public void Write(TextWriter output, double? cpuMicrosPerCall, int top)
    {
        output.WriteLine($"{Samples.Count:N0} CPU samples");
        output.WriteLine();
        output.WriteLine(cpuMicrosPerCall is null ? "| component | share |" : "| component | share | µs per call |");
        output.WriteLine(cpuMicrosPerCall is null ? "|---|---|" : "|---|---|---|");
        foreach (var (component, share) in Components())
        {
            output.WriteLine(
                cpuMicrosPerCall is { } us
                    ? string.Create(CultureInfo.InvariantCulture, $"| {component} | {share:P1} | {share * us:F0} |")
                    : string.Create(CultureInfo.InvariantCulture, $"| {component} | {share:P1} |")
            );
        }

        output.WriteLine();
        output.WriteLine("| RecServices method (samples anywhere below it) | share |");
        output.WriteLine("|---|---|");
        foreach (var (method, share) in OwnMethods(top))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{method}` | {share:P1} |"));
        }
    }
}
