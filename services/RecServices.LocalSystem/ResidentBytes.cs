using System.Globalization;

namespace RecServices.LocalSystem;

/// <summary>
/// A process's resident memory from <c>/proc/&lt;pid&gt;/status</c>: in all (VmRSS), anonymous (RssAnon: heaps, stacks)
/// and file-backed (RssFile: mapped bundle tables, code). Zeros where it cannot be read (not Linux, process gone).
/// </summary>
public sealed record ResidentBytes(long Total, long Anonymous, long File)
{
    public static ResidentBytes Of(int pid)
    {
        try
        {
            var lines = System.IO.File.ReadAllLines($"/proc/{pid}/status");
            return new ResidentBytes(Field(lines, "VmRSS:"), Field(lines, "RssAnon:"), Field(lines, "RssFile:"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ResidentBytes(0, 0, 0);
        }
    }

    private static long Field(string[] lines, string name) =>
        lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
            ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024
            : 0;
}
