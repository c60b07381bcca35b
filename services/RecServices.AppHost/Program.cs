using RecServices.AppHost;
using RecServices.Cli;

var builder = DistributedApplication.CreateBuilder(args);
var root = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));

// A relative --Recs:BundlePath is taken from the repository root (dotnet run starts the AppHost in its own folder).
var bundle = Path.GetFullPath(
    builder.Configuration["Recs:BundlePath"] is { Length: > 0 } configured
        ? Path.Combine(root, configured)
        : Path.Combine(root, "bundles", "synthetic")
);
if (!new RecServices.Core.Bundles.BundleRoot(bundle).HasBundle)
{
    Console.WriteLine(
        $"no bundle at {bundle}: training a demo bundle on the synthetic data with 'recs train' (about 35 s on 2 cores)"
    );
    // The first start trains on a demo budget: six epochs, the given settings (no search) and no refit on the whole
    // data: about 35 s on 2 cores instead of about 8 minutes, for a validation nDCG@10 of 0.27 against 0.28. The same
    // data, tables and sizes as the full training, which `recs train --data synthetic --out bundles/synthetic` runs
    // (a new version, promoted while the services serve).
    if (
        await RecsCommand.RunAsync(
            ["train", "--data", "synthetic", "--out", bundle, "--no-search", "--no-refit", "--epochs", "6"],
            Console.Out,
            Console.Error
        ) != 0
    )
    {
        return 1;
    }
}

var retrieval = builder.AddService<Projects.RecServices_Retrieval>(
    "retrieval",
    bundle,
    AppHostPorts.RetrievalGrpc,
    AppHostPorts.RetrievalHttp
);
var ranking = builder.AddService<Projects.RecServices_Ranking>(
    "ranking",
    bundle,
    AppHostPorts.RankingGrpc,
    AppHostPorts.RankingHttp
);
var gateway = builder
    .AddService<Projects.RecServices_Gateway>("gateway", bundle, AppHostPorts.GatewayGrpc, AppHostPorts.GatewayHttp)
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
    gateway
        .WithEnvironment("Recs__UserStore", "redis")
        .WithEnvironment(
            "Recs__Redis",
            "127.0.0.1:" + AppHostPorts.Redis.ToString(System.Globalization.CultureInfo.InvariantCulture)
        )
        .WaitFor(redis);
}
else
{
    gateway
        .WithEnvironment("Recs__UserStore", "sqlite")
        .WithEnvironment("Recs__UserStorePath", Path.Combine(storeDirectory, "users.db"));
}

Console.WriteLine(
    $"gateway: grpc on localhost:{AppHostPorts.GatewayGrpc} (h2c; try: buf curl --http2-prior-knowledge "
        + $"--protocol grpc --list-methods http://localhost:{AppHostPorts.GatewayGrpc})"
);

// Once the gateway answers its health check: a call to paste, for a user the bundle holds.
// Only the users file: the services load and verify the bundle themselves.
var usersFile = Path.Combine(
    new RecServices.Core.Bundles.BundleRoot(bundle).ServedDirectory(),
    RecServices.Core.Bundles.UsersFile.FileName
);
var firstUser = RecServices.Core.Bundles.UsersFile.Read(usersFile) is [var user, ..] ? user.Id : null;
builder.Eventing.Subscribe<ResourceReadyEvent>(
    gateway.Resource,
    (_, _) =>
    {
        if (firstUser is not null)
        {
            Console.WriteLine($"gateway serving: Recommend for user {firstUser}:");
            foreach (var line in FirstCall.Lines(firstUser, AppHostPorts.GatewayGrpc))
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
