using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace RecServices.AppHost.Tests;

/// <summary>
/// The application model the README's first command builds, read without starting it: the three services (and
/// redis-server when asked) as plain processes on their fixed endpoints, the gateway wired to both backends and to
/// its user store, waiting for what it calls.
/// </summary>
public sealed class AppHostModelTests
{
    [Fact]
    public async Task Build_Default_ThreeServicesOnTheirEndpoints_GatewayWiredToBothBackendsAndASqliteStore()
    {
        await using var app = await BuildAsync();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();

        Assert.Equal(["gateway", "ranking", "retrieval"], Services(model).Select(r => r.Name).Order());
        foreach (var (name, grpc, http) in Ports)
        {
            var service = Services(model).Single(r => r.Name == name);
            var endpoints = service.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name);
            Assert.Equal(
                (grpc, grpc, false),
                (endpoints["grpc"].Port, endpoints["grpc"].TargetPort, endpoints["grpc"].IsProxied)
            );
            Assert.Equal(
                (http, http, false),
                (endpoints["http"].Port, endpoints["http"].TargetPort, endpoints["http"].IsProxied)
            );
            var environment = await EnvironmentOf(app, service);
            Assert.Equal(TestBundle.Path, environment["Recs__BundlePath"]);
            Assert.Equal(
                grpc.ToString(System.Globalization.CultureInfo.InvariantCulture),
                environment["Recs__GrpcPort"]
            );
        }

        var gateway = await EnvironmentOf(app, Services(model).Single(r => r.Name == "gateway"));
        Assert.Equal(AppHostPorts.Address(AppHostPorts.RetrievalGrpc), gateway["Recs__RetrievalAddress"]);
        Assert.Equal(AppHostPorts.Address(AppHostPorts.RankingGrpc), gateway["Recs__RankingAddress"]);
        Assert.Equal("sqlite", gateway["Recs__UserStore"]);
        Assert.Equal(["ranking", "retrieval"], WaitsFor(model, "gateway"));
        Assert.DoesNotContain(model.Resources, r => r.Name == "redis");
    }

    [Fact]
    public async Task Build_RedisStore_AddsALocalRedisServerTheGatewayUsesAndWaitsFor()
    {
        await using var app = await BuildAsync("--Recs:UserStore=redis");
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();

        var redis = Assert.Single(model.Resources.OfType<ExecutableResource>(), r => r.Name == "redis");
        var gateway = await EnvironmentOf(app, Services(model).Single(r => r.Name == "gateway"));
        Assert.Equal("redis", gateway["Recs__UserStore"]);
        Assert.Equal($"127.0.0.1:{AppHostPorts.Redis}", gateway["Recs__Redis"]);
        Assert.Contains(redis.Name, WaitsFor(model, "gateway"));
    }

    private static readonly (string Name, int Grpc, int Http)[] Ports =
    [
        ("retrieval", AppHostPorts.RetrievalGrpc, AppHostPorts.RetrievalHttp),
        ("ranking", AppHostPorts.RankingGrpc, AppHostPorts.RankingHttp),
        ("gateway", AppHostPorts.GatewayGrpc, AppHostPorts.GatewayHttp),
    ];

    private static async Task<DistributedApplication> BuildAsync(params string[] args)
    {
        var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.RecServices_AppHost>(["--Recs:BundlePath=" + TestBundle.Path, .. args])
            .WithTimeout(TimeSpan.FromMinutes(3));
        return await builder.BuildAsync().WithTimeout();
    }

    private static IEnumerable<ProjectResource> Services(DistributedApplicationModel model) =>
        model.Resources.OfType<ProjectResource>();

    private static string[] WaitsFor(DistributedApplicationModel model, string name) =>
        [
            .. model
                .Resources.Single(r => r.Name == name)
                .Annotations.OfType<WaitAnnotation>()
                .Select(w => w.Resource.Name)
                .Order(),
        ];

    /// <summary>The environment the resource's callbacks give its process in a run, each value as its text.</summary>
    private static async Task<Dictionary<string, string>> EnvironmentOf(
        DistributedApplication app,
        ProjectResource resource
    )
    {
        var values = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(
            app.Services.GetRequiredService<DistributedApplicationExecutionContext>(),
            values
        );
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context).WithTimeout();
        }

        return values.ToDictionary(v => v.Key, v => v.Value.ToString()!);
    }
}
