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
    /// A small bundle trained by <c>recs train</c> on synthetic data into <paramref name="dir"/>/bundle (the spawned
    /// load and drill tests serve it): <paramref name="users"/>, <paramref name="items"/> and
    /// <paramref name="interactions"/> of data, <paramref name="epochs"/> epochs, 8 dimensions.
    /// </summary>
    public static async Task<string> SmallBundleAsync(
        TempDirectory dir,
        int users,
        int items,
        int interactions,
        int epochs
    )
    {
        var bundle = Path.Combine(dir.Path, "bundle");
        var train = await RunRecsAsync(
            "train",
            "--data",
            "synthetic",
            "--out",
            bundle,
            "--synthetic-users",
            $"{users}",
            "--synthetic-items",
            $"{items}",
            "--synthetic-interactions",
            $"{interactions}",
            "--epochs",
            $"{epochs}",
            "--dim",
            "8"
        );
        Assert.True(train.ExitCode == 0, train.Error);
        return bundle;
    }

    /// <summary>The real <c>recs</c> command line (what trains the bundles the lab serves).</summary>
    private static async Task<(int ExitCode, string Output, string Error)> RunRecsAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var code = await Cli.RecsCommand.RunAsync(args, output, error, timeout.Token);
        return (code, output.ToString(), error.ToString());
    }
}
