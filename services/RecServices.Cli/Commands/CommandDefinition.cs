using System.CommandLine;

namespace RecServices.Cli.Commands;

/// <summary>
/// A <c>recs</c> command from its options and what it runs: the options added in order, the run's expected failures
/// (bad options, bad files) printed as one <c>error:</c> line with exit code 1 (<see cref="CommandErrors"/>).
/// </summary>
public static class CommandDefinition
{
    public static Command Of(
        string name,
        string description,
        IEnumerable<Option> options,
        TextWriter error,
        Func<ParseResult, CancellationToken, Task<int>> run
    )
    {
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction(
            (parse, cancellationToken) => CommandErrors.RunAsync(error, () => run(parse, cancellationToken))
        );
        return command;
    }
}
