using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;
using RecServices.Training.Bundling;

namespace RecServices.Benchmarks;

/// <summary>
/// The bundle the benchmarks run on: RECS_BENCH_BUNDLE if set, else the repository's bundles/synthetic (the
/// embedded default, which the AppHost builds), trained here with the default options when missing. Also
/// the users to cycle through: every bundle user with a history, as the gateway would see them.
/// </summary>
public sealed class BenchBundle
{
    private static readonly Lazy<BenchBundle> Shared = new(Load);

    private BenchBundle(Bundle bundle, UserProfile[] users, string?[] countries)
    {
        Bundle = bundle;
        Users = users;
        Countries = countries;
    }

    public static BenchBundle Instance => Shared.Value;

    public Bundle Bundle { get; }

    public UserProfile[] Users { get; }

    public string?[] Countries { get; }

    private static BenchBundle Load()
    {
        var path =
            Environment.GetEnvironmentVariable("RECS_BENCH_BUNDLE")
            ?? Path.Combine(RepositoryRoot(), "bundles", "synthetic");
        // a bundle directory, or a root of versions as the AppHost and 'recs train' write
        if (!new BundleRoot(path).HasBundle)
        {
            Console.WriteLine($"no bundle at {path}: training the synthetic default there (a few minutes)");
            new BundleBuilder(new BuildOptions(), Console.WriteLine).Build(
                SyntheticDataset.Generate(new SyntheticOptions()),
                path
            );
        }

        var bundle = Bundle.LoadServed(path, BundleParts.All);
        var users = bundle.Users!;
        var histories = UserHistories.Build(bundle.Interactions!, users.Count);
        var profiles = new List<UserProfile>();
        var countries = new List<string?>();
        for (var u = 0; u < users.Count; u++)
        {
            var history = histories.Of(u).ToArray();
            if (history.Length > 0)
            {
                profiles.Add(new UserProfile(history, users[u].Age, users[u].Gender));
                countries.Add(users[u].Country);
            }
        }

        Console.WriteLine(
            $"bundle {bundle.Manifest.Version}: {bundle.Catalog.Items.Count} items, {profiles.Count} "
                + $"users with a history; default quotas {RetrievalOptions.Default}"
        );
        return new BenchBundle(bundle, [.. profiles], [.. countries]);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RecServices.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
