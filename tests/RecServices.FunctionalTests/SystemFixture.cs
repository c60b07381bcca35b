namespace RecServices.FunctionalTests;

/// <summary>One running system shared by the tests of a class that do not stop services.</summary>
public class SystemFixture : IAsyncLifetime
{
    public ServiceSystem System { get; private set; } = null!;

    /// <summary>Whether the hosts run on TestServer (no socket) instead of Kestrel on loopback.</summary>
    protected virtual bool InMemory => false;

    public async Task InitializeAsync() => System = await ServiceSystem.StartAsync(TestBundle.Path, inMemory: InMemory);

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
