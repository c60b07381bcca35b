using RecServices.AppHost;
using RecServices.Core.Bundles;
using RecServices.LocalSystem;

var builder = DistributedApplication.CreateBuilder(args);
var root = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));

// A relative --Recs:BundlePath is taken from the repository root (dotnet run starts the AppHost in its own folder).
var bundle = Path.GetFullPath(
    builder.Configuration["Recs:BundlePath"] is { Length: > 0 } configured
        ? Path.Combine(root, configured)
        : Path.Combine(root, "bundles", "synthetic")
);

// The same settings recs-lab and the tests give the hosts (LocalSystem's SystemLayout), on the fixed ports.
var layout = AppHostPorts.Layout(bundle);

// No bundle yet: `recs train` runs first as a resource of its own, and the services start once it has exited with
// 0. The first start trains on a demo budget: six epochs, the given settings (no search) and no refit on the whole
// data: about 35 s on 2 cores instead of about 8 minutes, for a validation nDCG@10 of 0.27 against 0.28. The same
// data, tables and sizes as the full training, which `recs train --data synthetic --out bundles/synthetic` runs
// (a new version, promoted while the services serve).
IResourceBuilder<ProjectResource>? train = null;
if (!new BundleRoot(bundle).HasBundle)
{
    Console.WriteLine(
        $"no bundle at {bundle}: the 'train' resource builds a demo one on the synthetic data (about 35 s on 2 cores)"
    );
    train = builder
        .AddProject<Projects.RecServices_Cli>("train", launchProfileName: null)
        .WithArgs("train", "--data", "synthetic", "--out", bundle, "--no-search", "--no-refit", "--epochs", "6");
}

// The user store: a SQLite file beside the bundle by default; with --Recs:UserStore=redis, a local redis-server
// started as a plain executable (no container runtime needed), its append-only file fsynced on every write. The
// gateway keeps the users there; every service reads the live catalog from it.
var storeDirectory = Path.GetDirectoryName(bundle)!;
var redisStore = builder.Configuration["Recs:UserStore"] is "redis";
string[] store = redisStore
    ? SystemLayout.RedisStore(
        "127.0.0.1:" + AppHostPorts.Redis.ToString(System.Globalization.CultureInfo.InvariantCulture)
    )
    : SystemLayout.SqliteStore(storeDirectory);
var redis = redisStore ? builder.AddRedisServer(Path.Combine(storeDirectory, "redis"), AppHostPorts.Redis) : null;

var retrieval = builder.AddService<Projects.RecServices_Retrieval>(
    "retrieval",
    layout.Retrieval,
    [.. layout.RetrievalSettings, .. store],
    train
);
var ranking = builder.AddService<Projects.RecServices_Ranking>(
    "ranking",
    layout.Ranking,
    [.. layout.RankingSettings, .. store],
    train
);
var gateway = builder
    .AddService<Projects.RecServices_Gateway>(
        "gateway",
        layout.Gateways[0],
        [.. layout.GatewaySettings(0), .. store],
        train
    )
    .WaitFor(retrieval)
    .WaitFor(ranking);
if (redis is not null)
{
    foreach (var service in new[] { retrieval, ranking, gateway })
    {
        service.WaitFor(redis);
    }
}

Console.WriteLine(
    $"gateway: grpc on localhost:{AppHostPorts.GatewayGrpc} (h2c; try: buf curl --http2-prior-knowledge "
        + $"--protocol grpc --list-methods http://localhost:{AppHostPorts.GatewayGrpc})"
);

// Once the gateway answers its health check: a call to paste, for a user the bundle holds (read then: the bundle may
// have been trained since the start). Only the users file: the services load and verify the bundle themselves.
builder.Eventing.Subscribe<ResourceReadyEvent>(
    gateway.Resource,
    (_, _) =>
    {
        var usersFile = Path.Combine(new BundleRoot(bundle).ServedDirectory(), UsersFile.FileName);
        if (UsersFile.Read(usersFile) is [var first, ..])
        {
            Console.WriteLine($"gateway serving: Recommend for user {first.Id}:");
            foreach (var line in FirstCall.Lines(first.Id, AppHostPorts.GatewayGrpc))
            {
                Console.WriteLine("  " + line);
            }
        }

        return Task.CompletedTask;
    }
);
Console.WriteLine(
    "dashboard (traces of every Recommend across the three services): http://localhost:18888 (the login "
        + "link is printed below)"
);
await builder.Build().RunAsync();
return 0;
