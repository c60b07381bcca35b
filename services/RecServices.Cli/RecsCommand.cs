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
        return await InvokeAsync(Create(output, error), args, output, error, cancellationToken);
    }

    /// <summary>Runs a command tree (recs's, or recs-lab's) on <paramref name="args"/> with the given writers.</summary>
    public static async Task<int> InvokeAsync(
        RootCommand root,
        string[] args,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken
    )
    {
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await root.Parse(args).InvokeAsync(configuration, cancellationToken);
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
