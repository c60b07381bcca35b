using System.CommandLine;
using RecServices.Cli.Commands;
using RecServices.Lab.Profile;

namespace RecServices.Lab.Commands;

/// <summary>
/// <c>recs-lab profile &lt;trace.nettrace&gt;</c>: where one process's CPU goes, by component, from a sampled trace.
/// </summary>
public static class ProfileCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var trace = new Argument<string>("trace")
        {
            Description =
                "A trace of CPU samples: 'dotnet-trace collect-linux --profile cpu-sampling -p <pid> -o "
                + "<file>.nettrace' (root).",
        };
        var pid = new Option<int?>("--pid")
        {
            Description = "The process to report (default: the one with the most samples).",
        };
        var perCall = new Option<double?>("--cpu-us-per-call")
        {
            Description =
                "The process's CPU per call over the traced window (from 'recs-lab load --spawn'): each "
                + "share is also given in µs per call.",
        };
        var top = new Option<int>("--top")
        {
            Description = "RecServices methods listed.",
            DefaultValueFactory = _ => 15,
        };
        var command = new Command(
            "profile",
            "Where one process's CPU goes, by component (server, client, Protobuf, SQLite, GC, kernel, "
                + "spinning, our code), from a sampled trace."
        )
        {
            trace,
            pid,
            perCall,
            top,
        };
        command.SetAction(parse =>
            CommandErrors.Run(
                error,
                () =>
                {
                    CpuProfile
                        .Read(parse.GetValue(trace)!, parse.GetValue(pid))
                        .Write(output, parse.GetValue(perCall), parse.GetValue(top));
                    return 0;
                }
            )
        );
        return command;
    }
}
