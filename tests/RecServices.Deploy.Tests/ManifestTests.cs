using System.Text.Json.Nodes;
using Grpc.Health.V1;
using Grpc.Net.Client;
using RecServices.ServiceDefaults;

namespace RecServices.Deploy.Tests;

/// <summary>
/// The Kubernetes manifests against the code: every overlay renders and validates (deploy/check.sh), and the ports,
/// probe service names, settings, Services, policies and volumes in them are the ones the services read.
/// </summary>
public sealed class ManifestTests
{
    /// <summary>
    /// Environment variables the services read besides Recs__* (OpenTelemetry's own, and the pod name they use).
    /// </summary>
    private static readonly HashSet<string> OtherVariables =
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_SERVICE_NAME",
        "OTEL_RESOURCE_ATTRIBUTES",
    ];

    [DeployCheckFact]
    public async Task CheckScript_EveryOverlay_RendersAndValidatesAgainstTheSchemas()
    {
        Assert.Equal(["dev", "prod"], RenderedManifests.Overlays);
        foreach (var overlay in RenderedManifests.Overlays)
        {
            var (code, output) = await RenderedManifests.CheckAsync(overlay);
            Assert.True(code == 0, output);
            Assert.Matches($@"{overlay}\.yaml: \d+ objects, 0 invalid", output);
        }
    }

    [DeployCheckFact]
    public async Task Deployments_EverySetting_IsOneTheServiceReadsAndAccepts()
    {
        foreach (var overlay in RenderedManifests.Overlays)
        {
            var manifest = await RenderedManifests.LoadAsync(overlay);
            foreach (var service in DeployedService.All)
            {
                var environment = manifest.Environment(Manifest.Container(manifest.Named("Deployment", service.Name)));
                foreach (var key in environment.Keys)
                {
                    var known = key.StartsWith("Recs__", StringComparison.Ordinal)
                        ? IsSetting(service.OptionsType, key["Recs__".Length..].Split("__"))
                        : OtherVariables.Contains(key);
                    Assert.True(
                        known,
                        $"{overlay}/{service.Name}: {key} is not a setting {service.OptionsType.Name} reads"
                    );
                }

                // The service's own validation (what stops a pod at start) accepts the whole set.
                var options = service.ReadOptions(DeployedService.Configuration(environment));
                Assert.Equal(
                    RecsOptions.JsonLogs == environment["Recs__LogFormat"]
                        ? RecsOptions.JsonLogs
                        : RecsOptions.TextLogs,
                    options.LogFormat
                );
            }
        }
    }

    [DeployCheckFact]
    public async Task Deployments_PortsAndProbes_MatchTheServicesSettingsAndHealthNames()
    {
        foreach (var overlay in RenderedManifests.Overlays)
        {
            var manifest = await RenderedManifests.LoadAsync(overlay);
            foreach (var service in DeployedService.All)
            {
                var container = Manifest.Container(manifest.Named("Deployment", service.Name));
                var options = service.OptionsIn(manifest);
                Assert.Equal(options.GrpcPort, Manifest.Port(container, "grpc"));
                Assert.Equal(options.HttpPort, Manifest.Port(container, "http"));
                var image = DockerfileTests.Environment(service.Name); // the image's EXPOSEd defaults
                Assert.Equal(
                    options.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    image["Recs__GrpcPort"]
                );
                Assert.Equal(
                    options.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    image["Recs__HttpPort"]
                );
                foreach (
                    var (probe, grpcName, path) in new[]
                    {
                        ("startupProbe", service.GrpcService, "/healthz"),
                        ("readinessProbe", service.GrpcService, "/healthz"),
                        ("livenessProbe", HealthServices.Liveness, "/healthz/live"),
                    }
                )
                {
                    if (options.Tls.Enabled)
                    {
                        // The kubelet's gRPC probes speak cleartext only: with TLS on the gRPC port they probe the
                        // HTTP/1.1 port.
                        Assert.Equal("http", (string?)container[probe]!["httpGet"]!["port"]);
                        Assert.Equal(path, (string?)container[probe]!["httpGet"]!["path"]);
                    }
                    else
                    {
                        Assert.Equal(options.GrpcPort, (int)container[probe]!["grpc"]!["port"]!);
                        Assert.Equal(grpcName, (string?)container[probe]!["grpc"]!["service"]);
                    }
                }

                var annotations = manifest.Named("Deployment", service.Name)["spec"]!["template"]!["metadata"]![
                    "annotations"
                ]!;
                Assert.Equal(
                    options.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    (string?)annotations["prometheus.io/port"]
                );
            }
        }
    }

    /// <summary>
    /// Each service started with the dev overlay's settings answers its probes' health service names SERVING.
    /// </summary>
    [DeployCheckFact]
    public async Task Probes_ServiceNames_AreServingOnTheRealHosts()
    {
        var manifest = await RenderedManifests.LoadAsync("dev");
        using var store = new TempDirectory();
        foreach (var service in DeployedService.All)
        {
            var container = Manifest.Container(manifest.Named("Deployment", service.Name));
            var environment = manifest.Environment(container);
            var ports = LocalSystem.HostPorts.Free();
            environment["Recs__BundlePath"] = TestBundle.Path; // the pod's /bundles/current
            environment["Recs__GrpcPort"] = ports.Grpc.ToString(System.Globalization.CultureInfo.InvariantCulture);
            environment["Recs__HttpPort"] = ports.Http.ToString(System.Globalization.CultureInfo.InvariantCulture);
            environment["Recs__ListenAddress"] = "127.0.0.1";
            environment["Recs__UserStorePath"] = Path.Combine(store.Path, "users.db");
            environment["Logging__LogLevel__Default"] = "Warning";
            await using var host = service.Build([
                .. environment.Select(e => $"--{e.Key.Replace("__", ":", StringComparison.Ordinal)}={e.Value}"),
            ]);
            await host.StartAsync().WithTimeout();
            try
            {
                using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports.Grpc}");
                var health = new Health.HealthClient(channel);
                foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
                {
                    var name = (string)container[probe]!["grpc"]!["service"]!;
                    await TaskTimeouts.Until(
                        async () =>
                            (await health.CheckAsync(new HealthCheckRequest { Service = name })).Status
                            == HealthCheckResponse.Types.ServingStatus.Serving,
                        $"{service.Name}: the {probe}'s service '{name}' to be SERVING"
                    );
                }
            }
            finally
            {
                await host.StopAsync().WithTimeout();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
        }
    }

    [DeployCheckFact]
    public async Task Services_SelectTheirPodsAndTheGatewayAddressesResolveToHeadlessServices()
    {
        foreach (var overlay in RenderedManifests.Overlays)
        {
            var manifest = await RenderedManifests.LoadAsync(overlay);
            foreach (var svc in manifest.OfKind("Service"))
            {
                var selector = svc["spec"]!["selector"]!.AsObject();
                var deployment = Assert.Single(
                    manifest.OfKind("Deployment").Concat(manifest.OfKind("StatefulSet")),
                    d => Matches(selector, d["spec"]!["template"]!["metadata"]!["labels"]!.AsObject())
                );
                var container = Manifest.Container(deployment);
                foreach (var port in svc["spec"]!["ports"]!.AsArray())
                {
                    Assert.Equal((int)port!["port"]!, Manifest.Port(container, (string)port["targetPort"]!));
                }
            }

            var options = (Gateway.GatewayOptions)DeployedService.Named("gateway").OptionsIn(manifest);
            foreach (
                var (address, backend) in new[]
                {
                    (options.RetrievalAddress, "retrieval"),
                    (options.RankingAddress, "ranking"),
                }
            )
            {
                var target = ServiceDefaults.Telemetry.ServerEndpoint.Of(new Uri(address));
                Assert.StartsWith("dns:///", address, StringComparison.Ordinal);
                var svc = manifest.Named("Service", target.Host);
                Assert.Equal("None", (string?)svc["spec"]!["clusterIP"]); // headless: DNS returns every pod
                Assert.Contains(
                    svc["spec"]!["ports"]!.AsArray(),
                    p => (int)p!["port"]! == target.Port && (string?)p["targetPort"] == "grpc"
                );
                Assert.Equal(DeployedService.Named(backend).OptionsIn(manifest).GrpcPort, target.Port);
            }
        }
    }

    /// <summary>
    /// prod: TLS on every gRPC port from each service's Secret, mutual TLS from the gateway to the backends, the
    /// gateway checks tokens against keys mounted read-only from a Secret, and no service serves reflection; dev:
    /// none of it.
    /// </summary>
    [DeployCheckFact]
    public async Task Security_ProdHasTlsMutualTlsAuthenticationAndNoReflection()
    {
        foreach (var overlay in RenderedManifests.Overlays)
        {
            var manifest = await RenderedManifests.LoadAsync(overlay);
            var prod = overlay == "prod";
            var gateway = (Gateway.GatewayOptions)DeployedService.Named("gateway").OptionsIn(manifest);
            Assert.Equal(prod, gateway.Auth.Enabled);
            Assert.All(DeployedService.All, service => Assert.Equal(!prod, service.OptionsIn(manifest).Reflection));
            foreach (var service in DeployedService.All)
            {
                var options = service.OptionsIn(manifest);
                Assert.Equal(prod, options.Tls.Enabled);
                if (prod)
                {
                    var container = Manifest.Container(manifest.Named("Deployment", service.Name));
                    var podSpec = manifest.Named("Deployment", service.Name)["spec"]!["template"]!["spec"]!;
                    foreach (var file in new[] { options.Tls.CertificatePath, options.Tls.KeyPath })
                    {
                        var tls = MountOf(container, file);
                        Assert.True((bool?)tls["readOnly"] == true, $"{service.Name}: {file} is mounted writable");
                        Assert.Equal(
                            $"recs-tls-{service.Name}",
                            (string?)
                                podSpec["volumes"]!
                                    .AsArray()
                                    .Single(v => (string?)v!["name"] == (string)tls["name"]!)!["secret"]
                                    ?["secretName"]
                        );
                    }

                    // Mutual TLS: the backends let in the gateway's certificate alone, and the gateway sends it.
                    Assert.Equal(service.Name == "gateway" ? string.Empty : "gateway", options.Tls.ClientName);
                    Assert.Equal(service.Name != "gateway", options.Tls.ClientCaPath.Length > 0);
                }
            }

            Assert.Equal(prod, gateway.BackendTls.Enabled && gateway.BackendTls.CertificatePath.Length > 0);
            if (prod)
            {
                var deployment = manifest.Named("Deployment", "gateway");
                var mount = MountOf(Manifest.Container(deployment), gateway.Auth.SigningKeysPath);
                var volume = deployment["spec"]!["template"]!["spec"]!["volumes"]!
                    .AsArray()
                    .Single(v => (string?)v!["name"] == (string)mount["name"]!)!;
                Assert.True((bool?)mount["readOnly"] == true, "the signing keys are mounted writable");
                Assert.Equal("recs-auth-signing-keys", (string?)volume["secret"]?["secretName"]);
                Assert.StartsWith("https://", gateway.Auth.Issuer);
            }
        }
    }

    [DeployCheckFact]
    public async Task NetworkPolicies_OnlyTheGatewayReachesRetrievalAndRanking()
    {
        foreach (var overlay in RenderedManifests.Overlays)
        {
            var manifest = await RenderedManifests.LoadAsync(overlay);
            var policies = manifest.OfKind("NetworkPolicy").ToList();
            Assert.Contains(
                policies,
                p => p["spec"]!["podSelector"]!.AsObject().Count == 0 && p["spec"]!["ingress"] is null
            ); // default deny
            var gatewayLabels = manifest.Named("Deployment", "gateway")["spec"]!["template"]!["metadata"]![
                "labels"
            ]!.AsObject();
            foreach (var backend in new[] { "retrieval", "ranking" })
            {
                var deployment = manifest.Named("Deployment", backend);
                var labels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
                var grpcPort = Manifest.Port(Manifest.Container(deployment), "grpc");
                var rules = policies
                    .Where(p => Selects(p["spec"]!["podSelector"]!.AsObject(), labels))
                    .SelectMany(p => p["spec"]!["ingress"]?.AsArray() ?? [])
                    .Select(r => r!.AsObject())
                    .Where(r => r["ports"] is not JsonArray ports || ports.Any(port => (int)port!["port"]! == grpcPort))
                    .ToList();
                Assert.NotEmpty(rules);
                foreach (var rule in rules)
                {
                    var from = rule["from"]?.AsArray();
                    Assert.True(from is { Count: > 0 }, $"{overlay}: a rule lets anyone reach {backend}'s gRPC port");
                    Assert.All(
                        from!,
                        peer =>
                        {
                            Assert.Null(peer!["namespaceSelector"]);
                            Assert.True(
                                Matches(peer["podSelector"]!["matchLabels"]!.AsObject(), gatewayLabels),
                                $"{overlay}: {backend} admits {peer.ToJsonString()}"
                            );
                        }
                    );
                }
            }
        }
    }

    [DeployCheckFact]
    public async Task Volumes_BundleAndUserStore_AreMountedWhereTheSettingsPointAndTheRestIsReadOnly()
    {
        foreach (var overlay in RenderedManifests.Overlays)
        {
            var manifest = await RenderedManifests.LoadAsync(overlay);
            string? bundlePath = null;
            foreach (var service in DeployedService.All)
            {
                var deployment = manifest.Named("Deployment", service.Name);
                var container = Manifest.Container(deployment);
                var options = service.OptionsIn(manifest);
                bundlePath ??= options.BundlePath;
                Assert.Equal(bundlePath, options.BundlePath);
                var bundles = MountOf(container, options.BundlePath);
                Assert.True((bool?)bundles["readOnly"] == true, $"{overlay}/{service.Name} mounts the bundle writable");
                Assert.Equal(
                    "recs-bundles",
                    ClaimOf(deployment["spec"]!["template"]!["spec"]!, (string)bundles["name"]!)
                );
                AssertLockedDown(overlay, service.Name, deployment["spec"]!["template"]!["spec"]!, container);
                if (options is Gateway.GatewayOptions { UserStore: Gateway.GatewayOptions.SqliteStore } gateway)
                {
                    Assert.NotEqual(
                        true,
                        (bool?)MountOf(container, Path.GetDirectoryName(gateway.UserStorePath)!)["readOnly"]
                    );
                }
            }

            // The Job and the CronJob write the bundle where the services read it, with arguments recs accepts.
            var job = manifest.Named("Job", "recs-train")["spec"]!["template"]!["spec"]!;
            var cron = manifest.Named("CronJob", "recs-retrain")["spec"]!["jobTemplate"]!["spec"]!["template"]![
                "spec"
            ]!;
            foreach (
                var (spec, container) in new[]
                {
                    (job, job["containers"]![0]!.AsObject()),
                    (cron, cron["containers"]![0]!.AsObject()),
                }
            )
            {
                string[] args = [.. container["args"]!.AsArray().Select(a => (string)a!)];
                var parsed = Cli.RecsCommand.Create(TextWriter.Null, TextWriter.Null).Parse(args);
                Assert.True(
                    parsed.Errors.Count == 0,
                    $"{overlay}: recs {string.Join(' ', args)}: "
                        + $"{string.Join("; ", parsed.Errors.Select(e => e.Message))}"
                );
                Assert.Equal("train", args[0]);
                Assert.Equal(bundlePath, args[Array.IndexOf(args, "--out") + 1]);
                var mount = MountOf(container, bundlePath!);
                Assert.NotEqual(true, (bool?)mount["readOnly"]);
                Assert.Equal("recs-bundles", ClaimOf(spec, (string)mount["name"]!));
                AssertLockedDown(overlay, "train", spec, container);
            }
        }
    }

    /// <summary>
    /// prod shares one Redis between every service pod and the training jobs (durable, never evicting, reachable by
    /// them alone): the gateway's users, everyone's live catalog; dev keeps a SQLite file per gateway pod (retrieval
    /// and ranking read no store there) and trains on the dataset alone.
    /// </summary>
    [DeployCheckFact]
    public async Task UserStore_ServicesAndTrainingShareTheRedisStoreWhereItIsUsed()
    {
        foreach (var overlay in RenderedManifests.Overlays)
        {
            var manifest = await RenderedManifests.LoadAsync(overlay);
            var options = (Gateway.GatewayOptions)DeployedService.Named("gateway").OptionsIn(manifest);
            var job = Manifest.Container(manifest.Named("Job", "recs-train"));
            var cron = manifest.Named("CronJob", "recs-retrain")["spec"]!["jobTemplate"]!["spec"]!["template"]![
                "spec"
            ]!["containers"]![0]!.AsObject();
            var trainingStores = new[] { job, cron }
                .Select(c => c["args"]!.AsArray().Select(a => (string)a!).ToList())
                .Select(args => args.IndexOf("--interactions") is var at and >= 0 ? args[at + 1] : null)
                .ToList();
            var backends = new[] { "retrieval", "ranking" }
                .Select(name => (BundleServing.StoreOptions)DeployedService.Named(name).OptionsIn(manifest))
                .ToList();
            if (options.UserStore == Gateway.GatewayOptions.SqliteStore)
            {
                Assert.Equal("dev", overlay);
                Assert.All(backends, b => Assert.Equal(string.Empty, b.UserStore)); // a per-pod file is the pod's
                Assert.Empty(manifest.OfKind("StatefulSet"));
                Assert.All(trainingStores, Assert.Null); // a per-pod file is not reachable from a Job
                continue;
            }

            // The gateway's Recs:Redis names a Service that selects the Redis StatefulSet on its Redis port.
            var endpoint = Assert.IsType<System.Net.DnsEndPoint>(
                Assert.Single(Users.RedisUserStore.ParseConfiguration(options.Redis).EndPoints)
            );
            var service = manifest.Named("Service", endpoint.Host);
            var port = Assert.Single(service["spec"]!["ports"]!.AsArray(), p => (int)p!["port"]! == endpoint.Port)!;
            var redis = Assert.Single(
                manifest.OfKind("StatefulSet"),
                s =>
                    Matches(
                        service["spec"]!["selector"]!.AsObject(),
                        s["spec"]!["template"]!["metadata"]!["labels"]!.AsObject()
                    )
            );
            var container = Manifest.Container(redis);
            Assert.Equal(Manifest.Port(container, (string)port["targetPort"]!), endpoint.Port);
            Assert.All(trainingStores, store => Assert.Equal(Users.UserStores.RedisScheme + options.Redis, store));
            Assert.All(
                backends,
                b =>
                    Assert.Equal(
                        (options.UserStore, options.Redis, options.RedisUser),
                        (b.UserStore, b.Redis, b.RedisUser)
                    )
            );

            // Durable and never evicting, its data on the StatefulSet's own volume, locked down like the services.
            var config = (string)manifest.Named("ConfigMap", "redis-config")["data"]!["redis.conf"]!;
            foreach (
                var line in new[] { "appendonly yes", "appendfsync always", "maxmemory-policy noeviction", "dir /data" }
            )
            {
                Assert.Contains(line, config.Split('\n').Select(l => l.Trim()));
            }

            Assert.Equal("data", (string?)MountOf(container, "/data")["name"]);
            Assert.Contains(
                redis["spec"]!["volumeClaimTemplates"]!.AsArray(),
                t => (string?)t!["metadata"]!["name"] == "data"
            );
            AssertLockedDown(overlay, "redis", redis["spec"]!["template"]!["spec"]!, container);

            // Only the three services and the training pods reach it.
            var redisLabels = redis["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
            var peers = manifest
                .OfKind("NetworkPolicy")
                .Where(p => Selects(p["spec"]!["podSelector"]!.AsObject(), redisLabels))
                .SelectMany(p => p["spec"]!["ingress"]?.AsArray() ?? [])
                .SelectMany(r =>
                    r!["from"]?.AsArray()
                    ?? throw new InvalidOperationException($"{overlay}: a rule lets anyone reach Redis")
                )
                .Select(peer => peer!["podSelector"]!["matchLabels"]!.AsObject())
                .ToList();
            var gatewayLabels = manifest.Named("Deployment", "gateway")["spec"]!["template"]!["metadata"]![
                "labels"
            ]!.AsObject();
            var jobLabels = manifest.Named("Job", "recs-train")["spec"]!["template"]!["metadata"]![
                "labels"
            ]!.AsObject();
            var cronLabels = manifest.Named("CronJob", "recs-retrain")["spec"]!["jobTemplate"]!["spec"]!["template"]![
                "metadata"
            ]!["labels"]!.AsObject();
            var backendLabels = new[] { "retrieval", "ranking" }.Select(workload =>
                manifest.Named("Deployment", workload)["spec"]!["template"]!["metadata"]!["labels"]!.AsObject()
            );
            Assert.All(
                [gatewayLabels, jobLabels, cronLabels, .. backendLabels],
                labels => Assert.Contains(peers, peer => Matches(peer, labels))
            );
            Assert.Equal(4, peers.Count); // nobody else
        }
    }

    /// <summary>
    /// The one-off bundles Job (list, promote, rollback): arguments recs accepts, on the volume the services read.
    /// </summary>
    [DeployCheckFact]
    public async Task OpsBundlesJob_EveryVariantParsesAndWorksOnTheServedRoot()
    {
        var (code, output) = await RenderedManifests.CheckAsync("dev");
        Assert.True(code == 0, output);
        Assert.Contains("ops-bundles-job.yaml: 1 objects, 0 invalid", output);
        var job = (await RenderedManifests.LoadAsync("ops-bundles-job")).Named("Job", string.Empty);
        var spec = job["spec"]!["template"]!["spec"]!;
        var container = spec["containers"]![0]!.AsObject();
        string[] listArgs = [.. container["args"]!.AsArray().Select(a => (string)a!)];
        var bundlePath = DeployedService
            .Named("gateway")
            .OptionsIn(await RenderedManifests.LoadAsync("prod"))
            .BundlePath;
        foreach (
            var args in new[]
            {
                listArgs,
                ["bundles", "rollback", bundlePath],
                ["bundles", "promote", bundlePath, "20261130T000000Z-0123abcd"],
            }
        )
        {
            var parsed = Cli.RecsCommand.Create(TextWriter.Null, TextWriter.Null).Parse(args);
            Assert.True(
                parsed.Errors.Count == 0,
                $"recs {string.Join(' ', args)}: {string.Join("; ", parsed.Errors.Select(e => e.Message))}"
            );
        }

        Assert.Equal(["bundles", "list", bundlePath], listArgs);
        Assert.Equal("recs-bundles", ClaimOf(spec, (string)MountOf(container, bundlePath)["name"]!));
        AssertLockedDown("ops", "bundles", spec, container);
    }

    [DeployCheckFact]
    public async Task AutoscalersAndBudgets_TargetTheDeployments()
    {
        foreach (var overlay in RenderedManifests.Overlays)
        {
            var manifest = await RenderedManifests.LoadAsync(overlay);
            foreach (var service in DeployedService.All)
            {
                var deployment = manifest.Named("Deployment", service.Name);
                Assert.Null(deployment["spec"]!["replicas"]); // the HPA owns the count
                var container = Manifest.Container(deployment);
                Assert.NotNull(container["resources"]!["requests"]!["cpu"]); // HPA on CPU utilisation needs a request
                Assert.NotNull(container["resources"]!["limits"]!["memory"]);
                var hpa = manifest.Named("HorizontalPodAutoscaler", service.Name);
                Assert.Equal(service.Name, (string?)hpa["spec"]!["scaleTargetRef"]!["name"]);
                Assert.InRange((int)hpa["spec"]!["minReplicas"]!, 1, (int)hpa["spec"]!["maxReplicas"]!);
                var pdb = manifest.Named("PodDisruptionBudget", service.Name);
                Assert.True(
                    Matches(
                        pdb["spec"]!["selector"]!["matchLabels"]!.AsObject(),
                        deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject()
                    )
                );
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> (Auth, Enabled) names a writable property of the options, nested sections
    /// included.
    /// </summary>
    private static bool IsSetting(Type options, string[] path) =>
        options.GetProperty(path[0]) is { CanWrite: true } property
        && (
            path.Length == 1
            || (
                property.PropertyType.IsClass
                && property.PropertyType != typeof(string)
                && IsSetting(property.PropertyType, path[1..])
            )
        );

    private static void AssertLockedDown(string overlay, string name, JsonNode podSpec, JsonObject container)
    {
        Assert.True((bool?)podSpec["securityContext"]!["runAsNonRoot"] == true, $"{overlay}/{name} may run as root");
        Assert.True(
            (bool?)container["securityContext"]!["readOnlyRootFilesystem"] == true,
            $"{overlay}/{name} has a writable root file system"
        );
        Assert.True(
            (bool?)container["securityContext"]!["allowPrivilegeEscalation"] == false,
            $"{overlay}/{name} allows privilege escalation"
        );
    }

    /// <summary>The volume mount that holds <paramref name="path"/>.</summary>
    private static JsonObject MountOf(JsonObject container, string path) =>
        container["volumeMounts"]!
            .AsArray()
            .Select(m => m!.AsObject())
            .Where(m =>
                path == (string)m["mountPath"]!
                || path.StartsWith((string)m["mountPath"]! + "/", StringComparison.Ordinal)
            )
            .OrderByDescending(m => ((string)m["mountPath"]!).Length)
            .First();

    private static string? ClaimOf(JsonNode podSpec, string volume) =>
        (string?)
            podSpec["volumes"]!
                .AsArray()
                .Single(v => (string?)v!["name"] == volume)!["persistentVolumeClaim"]
                ?["claimName"];

    private static bool Matches(JsonObject selector, JsonObject labels) =>
        selector.Count > 0 && selector.All(s => (string?)labels[s.Key] == (string?)s.Value);

    /// <summary>
    /// A NetworkPolicy podSelector (matchLabels or an In expression) selecting pods with <paramref name="labels"/>.
    /// </summary>
    private static bool Selects(JsonObject podSelector, JsonObject labels)
    {
        if (podSelector.Count == 0)
        {
            return true;
        }

        var byLabels =
            podSelector["matchLabels"] is not JsonObject match
            || match.All(s => (string?)labels[s.Key] == (string?)s.Value);
        var byExpressions = (podSelector["matchExpressions"]?.AsArray() ?? []).All(e =>
            (string?)e!["operator"] == "In"
            && e["values"]!.AsArray().Any(v => (string?)v == (string?)labels[(string)e["key"]!])
        );
        return byLabels && byExpressions;
    }
}
