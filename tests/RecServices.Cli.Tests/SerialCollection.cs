namespace RecServices.Cli.Tests;

/// <summary>
/// The tests that start the services as processes and the tests that train on MovieLens run one at a time: in the
/// workspace (MovieLens present) a training beside a process start-up twice kept a spawned service from answering
/// its health check for 180 s (root cause not found).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SerialCollection
{
    public const string Name = "processes and heavy training";
}
