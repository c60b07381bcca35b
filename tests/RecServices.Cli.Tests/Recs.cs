namespace RecServices.Cli.Tests;

/// <summary>Runs the real <c>recs</c> command line in process and captures what it prints.</summary>
public static class Recs
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var code = await RecsCommand.RunAsync(args, output, error, timeout.Token);
        return (code, output.ToString(), error.ToString());
    }
}
