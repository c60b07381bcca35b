using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RecServices.Deploy.Tests;

/// <summary>
/// The prod overlay's alerts (PrometheusRule) and Grafana dashboard: promtool checks every query and runs the alerts'
/// unit tests (alerts.test.yaml), and every series they read is one the real hosts export on /metrics.
/// </summary>
public sealed partial class MonitoringTests
{
    private const string DashboardKey = "recservices-dashboard.json";

    [PromtoolFact]
    public async Task Alerts_PassPromtoolsCheckAndTheirUnitTests()
    {
        using var folder = new TempDirectory();
        var rules = folder.Write("rules.yaml", (await AlertRulesAsync())["spec"]!.ToJsonString()); // JSON is YAML
        File.Copy(
            Path.Combine(AppContext.BaseDirectory, "alerts.test.yaml"),
            Path.Combine(folder.Path, "alerts.test.yaml")
        );

        var (checkCode, check) = await ExternalTools.RunAsync(ExternalTools.Promtool!, ["check", "rules", rules]);
        var (testCode, test) = await ExternalTools.RunAsync(
            ExternalTools.Promtool!,
            ["test", "rules", Path.Combine(folder.Path, "alerts.test.yaml")]
        );

        Assert.True(checkCode == 0, check);
        Assert.Contains("SUCCESS: 7 rules found", check, StringComparison.Ordinal);
        Assert.True(testCode == 0, test);
    }

    [PromtoolFact]
    public async Task Dashboard_EveryQueryParsesAndEveryPanelReadsTheDatasourceVariable()
    {
        var dashboard = await DashboardAsync();
        var panels = dashboard["panels"]!.AsArray().Select(p => p!.AsObject()).ToList();
        var queries = Queries(dashboard).ToList();
        using var folder = new TempDirectory();
        // promtool parses the queries as recording rules ($__rate_interval is Grafana's; 5m stands in for it).
        var recording = new JsonObject
        {
            ["groups"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = "dashboard",
                    ["rules"] = new JsonArray([
                        .. queries.Select(
                            (q, i) =>
                                (JsonNode)
                                    new JsonObject
                                    {
                                        ["record"] = $"dashboard:query_{i}",
                                        ["expr"] = q.Replace("$__rate_interval", "5m", StringComparison.Ordinal),
                                    }
                        ),
                    ]),
                }
            ),
        };
        var rules = folder.Write("dashboard.rules.yaml", recording.ToJsonString());

        var (code, output) = await ExternalTools.RunAsync(ExternalTools.Promtool!, ["check", "rules", rules]);

        Assert.True(code == 0, output);
        Assert.Equal("recservices", (string?)dashboard["uid"]);
        Assert.True(panels.Count >= 10, $"{panels.Count} panels");
        Assert.All(panels, p => Assert.Equal("${datasource}", (string?)p["datasource"]!["uid"]));
        Assert.All(panels, p => Assert.NotEmpty(p["targets"]!.AsArray()));
        Assert.Equal(panels.Count, panels.Select(p => (int)p["id"]!).Distinct().Count());
    }

    [PromtoolFact]
    public async Task AlertsAndDashboard_ReadOnlySeriesTheServicesExport()
    {
        var queries = Queries(await DashboardAsync())
            .Concat(
                (await AlertRulesAsync())["spec"]!["groups"]!
                    .AsArray()
                    .SelectMany(g => g!["rules"]!.AsArray())
                    .Select(r => (string)r!["expr"]!)
            )
            .ToList();
        var used = queries
            .SelectMany(q => SeriesName().Matches(q).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

        var exported = new HashSet<string>(StringComparer.Ordinal);
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path);
        for (var i = 0; i < 5; i++)
        {
            await system.RecommendAsync($"u{i + 1}", 5);
        }

        await ScrapeAsync(exported, system.RetrievalPorts.Http, system.RankingPorts.Http);
        await system.StopRankingAsync();
        var degraded = await system.RecommendAsync("u1", 5); // counts a degraded answer
        await ScrapeAsync(exported, system.GatewayPorts.Http);

        Assert.All(degraded, i => Assert.True(i.Degraded));
        Assert.True(used.Count >= 10, string.Join(", ", used));
        Assert.All(
            used,
            name =>
                Assert.True(
                    exported.Contains(name),
                    $"{name} is read by an alert or the dashboard but no service exports it"
                )
        );
    }

    /// <summary>A series name in a query: an identifier followed by a selector's brace or a range's bracket.</summary>
    [GeneratedRegex(@"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[\{\[]")]
    private static partial Regex SeriesName();

    /// <summary>The name of each sample line of Prometheus' text format.</summary>
    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)[\{ ]", RegexOptions.Multiline)]
    private static partial Regex SampleName();

    private static async Task ScrapeAsync(HashSet<string> names, params int[] ports)
    {
        using var http = new HttpClient();
        foreach (var port in ports)
        {
            var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")).WithTimeout();
            names.UnionWith(SampleName().Matches(text).Select(m => m.Groups[1].Value));
        }
    }

    private static IEnumerable<string> Queries(JsonObject dashboard) =>
        dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => (string)t!["expr"]!);

    private static async Task<JsonObject> AlertRulesAsync() =>
        Assert.Single((await RenderedManifests.LoadAsync("prod")).OfKind("PrometheusRule"));

    private static async Task<JsonObject> DashboardAsync()
    {
        var configMap = (await RenderedManifests.LoadAsync("prod")).Named("ConfigMap", "recs-grafana-dashboard");
        Assert.Equal("1", (string?)configMap["metadata"]!["labels"]!["grafana_dashboard"]);
        return JsonNode
            .Parse((string)configMap["data"]![DashboardKey]!, documentOptions: new JsonDocumentOptions())!
            .AsObject();
    }
}
