using System.Text.RegularExpressions;

namespace RecServices.Deploy.Tests;

/// <summary>
/// The Dockerfiles against the code and the manifests (no Docker engine here to build them): pinned bases, a
/// non-root user, only the service's own ports exposed, the entry point of the right assembly, and COPY sources that
/// exist. The same build steps were run by hand outside Docker (see docs/kubernetes.md).
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string Folder = Path.Combine(ExternalTools.RepositoryRoot, "deploy", "docker");

    [Fact]
    public void EveryService_HasADockerfileThatRunsItsAssemblyOnItsPortsAsNonRoot()
    {
        foreach (var service in DeployedService.All)
        {
            var text = File.ReadAllText(Path.Combine(Folder, service.Name + ".Dockerfile"));
            var environment = Environment(service.Name);
            Assert.All(
                environment.Keys,
                key =>
                    Assert.True(
                        service.OptionsType.GetProperty(key["Recs__".Length..]) is { CanWrite: true },
                        $"{service.Name}.Dockerfile sets {key}, which is not a setting"
                    )
            );

            Assert.Equal(
                [environment["Recs__GrpcPort"], environment["Recs__HttpPort"]],
                Expose().Match(text).Groups[1].Value.Split(' ')
            );
            Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{service.Assembly}.dll\"]", text, StringComparison.Ordinal);
            AssertBuildable(service.Name, text, $"services/{service.Assembly}/{service.Assembly}.csproj");
        }
    }

    [Fact]
    public void TrainingImage_RunsRecsAsNonRoot()
    {
        var text = File.ReadAllText(Path.Combine(Folder, "recs.Dockerfile"));

        Assert.Contains("ENTRYPOINT [\"dotnet\", \"recs.dll\"]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("EXPOSE", text, StringComparison.Ordinal);
        AssertBuildable("recs", text, "services/RecServices.Cli/RecServices.Cli.csproj");
        foreach (var host in new[] { "Retrieval", "Ranking", "Gateway", "ServiceDefaults" })
        {
            Assert.DoesNotContain($"RecServices.{host}", text, StringComparison.Ordinal); // no host in the Job's image
        }
    }

    /// <summary>The ENV settings of a Dockerfile (the image's default ports and log format).</summary>
    public static Dictionary<string, string> Environment(string name) =>
        EnvLine()
            .Matches(File.ReadAllText(Path.Combine(Folder, name + ".Dockerfile")))
            .SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);

    private static void AssertBuildable(string name, string text, string project)
    {
        // Pinned bases: an exact version in every image reference, never a floating tag.
        var images = BaseImage().Matches(text).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, images.Count);
        Assert.All(
            images,
            image => Assert.Matches(@"^mcr\.microsoft\.com/dotnet/(sdk|aspnet):\d+\.\d+\.\d+(-[a-z-]+)?$", image)
        );
        Assert.Matches(@"(?m)^USER 1654:1654$", text);
        Assert.Contains($"dotnet publish {project}", text, StringComparison.Ordinal);

        // Every COPY from the build context names a path of the repository (the restore step's project files included).
        foreach (Match copy in CopyLine().Matches(text))
        {
            var sources = copy.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
            Assert.All(
                sources,
                source =>
                    Assert.True(
                        File.Exists(Path.Combine(ExternalTools.RepositoryRoot, source))
                            || Directory.Exists(Path.Combine(ExternalTools.RepositoryRoot, source)),
                        $"{name}.Dockerfile copies {source}, which is not in the repository"
                    )
            );
        }

        // The restore step copies every project the published one references, directly or not.
        var copied = CopyLine()
            .Matches(text)
            .Select(m => m.Groups[1].Value)
            .Where(v => v.Contains(".csproj", StringComparison.Ordinal))
            .Select(v => v.Split(' ')[0])
            .ToHashSet();
        Assert.Superset(References(project), copied);
    }

    /// <summary>
    /// <paramref name="project"/> and every project it references, transitively (repository-relative paths).
    /// </summary>
    private static HashSet<string> References(string project)
    {
        var all = new HashSet<string>();
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!all.Add(current))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(current)!;
            foreach (
                Match reference in ProjectReference()
                    .Matches(File.ReadAllText(Path.Combine(ExternalTools.RepositoryRoot, current)))
            )
            {
                var path = Path.GetRelativePath(
                    ExternalTools.RepositoryRoot,
                    Path.GetFullPath(
                        Path.Combine(ExternalTools.RepositoryRoot, folder, reference.Groups[1].Value.Replace('\\', '/'))
                    )
                );
                pending.Push(path.Replace('\\', '/'));
            }
        }

        return all;
    }

    [GeneratedRegex(@"(?m)^ENV (.+)$")]
    private static partial Regex EnvLine();

    [GeneratedRegex(@"(?m)^EXPOSE (.+)$")]
    private static partial Regex Expose();

    [GeneratedRegex(@"(?m)^ARG (?:SDK|RUNTIME)_IMAGE=(\S+)$")]
    private static partial Regex BaseImage();

    [GeneratedRegex(@"(?m)^COPY (?!--from)(.+)$")]
    private static partial Regex CopyLine();

    [GeneratedRegex(@"<ProjectReference Include=""([^""]+)""")]
    private static partial Regex ProjectReference();
}
