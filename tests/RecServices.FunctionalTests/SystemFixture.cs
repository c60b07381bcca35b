namespace RecServices.FunctionalTests;

/// <summary>One running system shared by the tests of a class that do not stop services.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public ServiceSystem System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await ServiceSystem.StartAsync(TestBundle.Path);

    public async Task DisposeAsync() => await System.DisposeAsync();
}
