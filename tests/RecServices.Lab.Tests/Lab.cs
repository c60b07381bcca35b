namespace RecServices.Lab.Tests;

/// <summary>Runs the real <c>recs-lab</c> command line in process and captures what it prints.</summary>
public static class Lab
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var code = await LabCommand.RunAsync(args, output, error, timeout.Token);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// A copy of the test bundle in <paramref name="dir"/>/bundle (the spawned load and drill tests serve it, and may
    /// promote or damage it).
    /// </summary>
    public static string SmallBundle(TempDirectory dir) => TestBundle.CopyTo(Path.Combine(dir.Path, "bundle"));
}
