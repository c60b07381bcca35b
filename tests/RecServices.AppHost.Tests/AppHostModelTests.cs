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
            var settings = await SettingsOf(service);
            Assert.Equal(TestBundle.Path, settings["Recs:BundlePath"]);
            Assert.Equal(grpc.ToString(System.Globalization.CultureInfo.InvariantCulture), settings["Recs:GrpcPort"]);
            Assert.Equal(http.ToString(System.Globalization.CultureInfo.InvariantCulture), settings["Recs:HttpPort"]);
        }

        var gateway = await SettingsOf(Services(model).Single(r => r.Name == "gateway"));
        Assert.Equal($"http://127.0.0.1:{AppHostPorts.RetrievalGrpc}", gateway["Recs:RetrievalAddress"]);
        Assert.Equal($"http://127.0.0.1:{AppHostPorts.RankingGrpc}", gateway["Recs:RankingAddress"]);
        Assert.Equal("sqlite", gateway["Recs:UserStore"]);
        foreach (var service in Services(model)) // one store: the gateway's users, everyone's live catalog
        {
            var settings = await SettingsOf(service);
            Assert.Equal(
                ("sqlite", gateway["Recs:UserStorePath"]),
                (settings["Recs:UserStore"], settings["Recs:UserStorePath"])
            );
        }

        Assert.Equal(["ranking", "retrieval"], WaitsFor(model, "gateway"));
        Assert.DoesNotContain(model.Resources, r => r.Name is "redis" or "train"); // the test bundle exists
    }

    [Fact]
    public async Task Build_RedisStore_AddsALocalRedisServerEveryServiceUsesAndWaitsFor()
    {
        await using var app = await BuildAsync("--Recs:UserStore=redis");
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();

        var redis = Assert.Single(model.Resources.OfType<ExecutableResource>(), r => r.Name == "redis");
        foreach (var service in Services(model))
        {
            var settings = await SettingsOf(service);
            Assert.Equal("redis", settings["Recs:UserStore"]);
            Assert.Equal($"127.0.0.1:{AppHostPorts.Redis}", settings["Recs:Redis"]);
            Assert.Contains(redis.Name, WaitsFor(model, service.Name));
        }
    }

    [Fact]
    public async Task Build_NoBundle_TrainsFirstAsAResourceEveryServiceWaitsToComplete()
    {
        using var empty = new Testing.TempDirectory();
        await using var app = await BuildAsync("--Recs:BundlePath=" + Path.Combine(empty.Path, "bundle"));
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();

        var train = Services(model).Single(r => r.Name == "train");
        var args = await ArgumentsOf(train);
        Assert.Equal(["train", "--data", "synthetic", "--out", Path.Combine(empty.Path, "bundle")], args[..5]);
        foreach (var service in new[] { "retrieval", "ranking", "gateway" })
        {
            var completion = model
                .Resources.Single(r => r.Name == service)
                .Annotations.OfType<WaitAnnotation>()
                .Single(w => w.Resource.Name == "train");
            Assert.Equal(WaitType.WaitForCompletion, completion.WaitType);
        }
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

    /// <summary>The <c>--Recs:Name=value</c> settings the resource's process is started with, by name.</summary>
    private static async Task<Dictionary<string, string>> SettingsOf(ProjectResource resource) =>
        (await ArgumentsOf(resource))
            .Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))
            .Select(a => a[2..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);

    /// <summary>The command-line arguments the resource's callbacks give its process in a run.</summary>
    private static async Task<string[]> ArgumentsOf(ProjectResource resource)
    {
        var values = new List<object>();
        var context = new CommandLineArgsCallbackContext(values, resource);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context).WithTimeout();
        }

        return [.. values.Select(v => v.ToString()!)];
    }
}
