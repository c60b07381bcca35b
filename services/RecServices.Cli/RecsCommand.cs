using System.CommandLine;
using RecServices.Cli.Commands;

namespace RecServices.Cli;

/// <summary>The root of the <c>recs</c> command line; tests run it in process with their own writers.</summary>
public static class RecsCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("RecServices: build, inspect and evaluate two-stage recommender bundles.")
        {
            TrainCommand.Create(output, error),
            InspectCommand.Create(output, error),
            EvaluateCommand.Create(output, error),
            SweepCommand.Create(output, error),
            LoadCommand.Create(output, error),
        };
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await root.Parse(args).InvokeAsync(configuration, cancellationToken);
    }
}
