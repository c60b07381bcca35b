using System.Text.Json.Nodes;

namespace RecServices.Deploy.Tests;

/// <summary>
/// Every overlay under deploy/kubernetes/overlays rendered and validated once per test run by deploy/check.sh (the
/// script CI and people run), then read back from the JSON it writes.
/// </summary>
public static class RenderedManifests
{
    private static readonly Lazy<Task<(int Code, string Output, string Folder)>> Checked = new(CheckAsync);

    public static string[] Overlays { get; } =
        Directory
            .GetDirectories(Path.Combine(ExternalTools.RepositoryRoot, "deploy", "kubernetes", "overlays"))
            .Select(Path.GetFileName)
            .Order()
            .ToArray()!;

    /// <summary>deploy/check.sh's exit code and output.</summary>
    public static async Task<(int Code, string Output)> CheckAsync(string overlay)
    {
        var (code, output, _) = await Checked.Value;
        return (code, output);
    }

    /// <summary>The rendered objects of <paramref name="overlay"/>.</summary>
    public static async Task<Manifest> LoadAsync(string overlay)
    {
        var (code, output, folder) = await Checked.Value;
        Assert.True(code == 0, output);
        var objects = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, overlay + ".json")))!.AsArray();
        return new Manifest(overlay, objects.Select(o => o!.AsObject()).ToList());
    }

    private static async Task<(int Code, string Output, string Folder)> CheckAsync()
    {
        var folder = Directory.CreateTempSubdirectory("recs-manifests-").FullName;
        var (code, output) = await ExternalTools.RunAsync(
            "bash",
            [Path.Combine(ExternalTools.RepositoryRoot, "deploy", "check.sh"), folder],
            TimeSpan.FromMinutes(3)
        );
        return (code, output, folder);
    }
}
