namespace RecServices.Lab.Tests;

/// <summary>
/// The lab's tests start the services as processes and run one at a time: in the workspace a training beside a
/// process start-up twice kept a spawned service from answering its health check for 180 s (root cause not found).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SerialCollection
{
    public const string Name = "processes";
}
