using System.Globalization;

namespace RecServices.Training.Bundling;

/// <summary>
/// The process's peak resident memory (Linux <c>VmHWM</c>), and its reset (writing 5 to
/// <c>/proc/self/clear_refs</c>), so that each build step can report the peak it reached. Elsewhere both do nothing
/// and the peak is unknown (null).
/// </summary>
/// <remarks>
/// The reset lowers the same counter the kernel reports at exit (getrusage's ru_maxrss, /usr/bin/time's "Maximum
/// resident set size"): after a build those show the peak since the last step began, not the build's. The build's
/// peak is the largest of its steps' (the build log's last line, the manifest's <c>buildSteps</c>).
/// </remarks>
internal static class PeakMemory
{
    /// <summary>Starts a new peak at the current resident size (best effort).</summary>
    public static void Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // Not Linux, or not allowed: the peak then covers the whole process so far.
        }
    }

    /// <summary>
    /// The peak resident memory in bytes since the last reset (or the process start), or null where unknown.
    /// </summary>
    public static long? Bytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }

        return null;
    }
}
