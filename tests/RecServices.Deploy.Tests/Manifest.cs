using System.Text.Json.Nodes;

namespace RecServices.Deploy.Tests;

/// <summary>One overlay's rendered objects, with the lookups the manifest tests need.</summary>
public sealed record Manifest(string Overlay, IReadOnlyList<JsonObject> Objects)
{
    /// <summary>
    /// The object of <paramref name="kind"/> named <paramref name="name"/> (empty: the one with a generated name).
    /// </summary>
    public JsonObject Named(string kind, string name) =>
        Objects.Single(o => (string?)o["kind"] == kind && ((string?)o["metadata"]!["name"] ?? string.Empty) == name);

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    /// <summary>A ConfigMap by the name it has before kustomize appends its content hash.</summary>
    public JsonObject ConfigMap(string generatedName) =>
        OfKind("ConfigMap")
            .Single(o =>
                (string?)o["metadata"]!["name"] == generatedName
                || ((string)o["metadata"]!["name"]!).StartsWith(generatedName + "-", StringComparison.Ordinal)
            );

    /// <summary>
    /// The environment a container gets: its envFrom ConfigMaps, then its env entries (those win, as in Kubernetes).
    /// Values from the downward API are left out.
    /// </summary>
    public Dictionary<string, string> Environment(JsonObject container)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container["envFrom"]?.AsArray() ?? [])
        {
            var name = (string)source!["configMapRef"]!["name"]!;
            var map = OfKind("ConfigMap").Single(o => (string?)o["metadata"]!["name"] == name);
            foreach (var (key, value) in map["data"]!.AsObject())
            {
                environment[key] = (string)value!;
            }
        }

        foreach (var entry in container["env"]?.AsArray() ?? [])
        {
            if (entry!["value"] is { } value)
            {
                environment[(string)entry["name"]!] = (string)value!;
            }
        }

        return environment;
    }

    public static JsonObject Container(JsonObject workload) =>
        workload["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

    /// <summary>The containerPort of the named port of <paramref name="container"/>.</summary>
    public static int Port(JsonObject container, string name) =>
        (int)container["ports"]!.AsArray().Single(p => (string?)p!["name"] == name)!["containerPort"]!;
}
