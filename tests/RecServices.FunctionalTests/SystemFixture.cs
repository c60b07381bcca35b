namespace RecServices.FunctionalTests;

/// <summary>One running system shared by the tests of a class that do not stop services.</summary>
public class SystemFixture : IAsyncLifetime
{
    public ServiceSystem System { get; private set; } = null!;

    /// <summary>Whether the hosts run on TestServer (no socket) instead of Kestrel on loopback.</summary>
    protected virtual bool InMemory => false;

    /// <summary>The gateway's settings beyond the defaults.</summary>
    protected virtual string[] GatewayArgs => [];

    public async Task InitializeAsync() =>
        System = await ServiceSystem.StartAsync(TestBundle.Path, gatewayArgs: GatewayArgs, inMemory: InMemory);

    public async Task DisposeAsync() => await System.DisposeAsync();
}

/// <summary>
/// The same system on ASP.NET Core's TestServer: for the classes that call it through its gRPC channels only (no
/// port, no process, no outside client), the functional tier that needs no socket.
/// </summary>
public sealed class InMemorySystemFixture : SystemFixture
{
    protected override bool InMemory => true;
}

/// <summary>
/// The in-memory system with lists as long as a request may ask for every candidate (Recs:MaxCount 1000): a test can
/// read the whole ranked list, not only its head.
/// </summary>
public sealed class WholeListSystemFixture : SystemFixture
{
    protected override bool InMemory => true;

    protected override string[] GatewayArgs => ["--Recs:MaxCount=1000"];
}
