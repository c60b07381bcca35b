using System.CommandLine;
using RecServices.Cli.Commands;

namespace RecServices.Cli;

/// <summary>The root of the <c>recs</c> command line; tests run it in process with their own writers.</summary>
public static class RecsCommand
{
    public static async Task<int> RunAsync(
        string[] args,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken = default
    )
    {
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await Create(output, error).Parse(args).InvokeAsync(configuration, cancellationToken);
    }

    /// <summary>The command tree (the deployment tests parse the Kubernetes Jobs' arguments with it).</summary>
    public static RootCommand Create(TextWriter output, TextWriter error) =>
        new("RecServices: build, inspect and evaluate two-stage recommender bundles.")
        {
            DataCommand.Create(output, error),
            TrainCommand.Create(output, error),
            InspectCommand.Create(output, error),
            BundlesCommand.Create(output, error),
            EvaluateCommand.Create(output, error),
            SweepCommand.Create(output, error),
        };
}
