using System.CommandLine;
using RecServices.Cli;
using RecServices.Cli.Commands;
using RecServices.Lab.Commands;

namespace RecServices.Lab;

/// <summary>
/// The root of the <c>recs-lab</c> command line: the measurements that start the three hosts as processes on
/// loopback (load, drills, cost, profile, the served sweep). Tests run it in process with their own writers.
/// </summary>
public static class LabCommand
{
    public static async Task<int> RunAsync(
        string[] args,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken = default
    )
    {
        return await RecsCommand.InvokeAsync(Create(output, error), args, output, error, cancellationToken);
    }

    public static RootCommand Create(TextWriter output, TextWriter error) =>
        new(
            "RecServices lab: load, drills, cost, profile and the live catalog's reach against the three services "
                + "started on loopback."
        )
        {
            LoadCommand.Create(output, error),
            DrillCommand.Create(output, error),
            CostCommand.Create(output, error),
            ProfileCommand.Create(output, error),
            CatalogCommand.Create(output, error),
            SweepCommand.Create(output, error, log => new GrpcSweepProbe(log)),
        };
}
