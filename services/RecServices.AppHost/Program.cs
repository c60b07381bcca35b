using RecServices.AppHost;
using RecServices.Cli;

var builder = DistributedApplication.CreateBuilder(args);
var root = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
// A relative --Recs:BundlePath is taken from the repository root (dotnet run starts the AppHost in its own folder).
var bundle = Path.GetFullPath(builder.Configuration["Recs:BundlePath"] is { Length: > 0 } configured
    ? Path.Combine(root, configured)
    : Path.Combine(root, "bundles", "synthetic"));
if (!new RecServices.Core.Bundles.BundleRoot(bundle).HasBundle)
{
    Console.WriteLine($"no bundle at {bundle}: building the synthetic default with 'recs train'");
    // The first start trains with the given settings (--search-trials 1): the settings search would take about four
    // times as long on 2 cores; `recs train` on real data keeps it (see the README's "recs command").
    if (await RecsCommand.RunAsync(["train", "--data", "synthetic", "--out", bundle, "--search-trials", "1"], Console.Out, Console.Error) != 0)
    {
        return 1;
    }
}

var retrieval = builder.AddService<Projects.RecServices_Retrieval>("retrieval", bundle, AppHostPorts.RetrievalGrpc, AppHostPorts.RetrievalHttp);
var ranking = builder.AddService<Projects.RecServices_Ranking>("ranking", bundle, AppHostPorts.RankingGrpc, AppHostPorts.RankingHttp);
var gateway = builder.AddService<Projects.RecServices_Gateway>("gateway", bundle, AppHostPorts.GatewayGrpc, AppHostPorts.GatewayHttp)
    .WithEnvironment("Recs__RetrievalAddress", AppHostPorts.Address(AppHostPorts.RetrievalGrpc))
    .WithEnvironment("Recs__RankingAddress", AppHostPorts.Address(AppHostPorts.RankingGrpc))
    .WaitFor(retrieval)
    .WaitFor(ranking);

// The user store: a SQLite file beside the bundle by default; with --Recs:UserStore=redis, a local redis-server
// started as a plain executable (no container runtime needed), its append-only file fsynced on every write.
var storeDirectory = Path.GetDirectoryName(bundle)!;
if (builder.Configuration["Recs:UserStore"] is "redis")
{
    var redis = builder.AddRedisServer(Path.Combine(storeDirectory, "redis"), AppHostPorts.Redis);
    gateway.WithEnvironment("Recs__UserStore", "redis")
        .WithEnvironment("Recs__Redis", "127.0.0.1:" + AppHostPorts.Redis.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WaitFor(redis);
}
else
{
    gateway.WithEnvironment("Recs__UserStore", "sqlite").WithEnvironment("Recs__UserStorePath", Path.Combine(storeDirectory, "users.db"));
}

Console.WriteLine($"gateway: grpc on localhost:{AppHostPorts.GatewayGrpc} (h2c; try: buf curl --http2-prior-knowledge --protocol grpc --list-methods http://localhost:{AppHostPorts.GatewayGrpc})");
Console.WriteLine("dashboard (traces of every Recommend across the three services): http://localhost:18888 (the login link is printed below)");
await builder.Build().RunAsync();
return 0;
