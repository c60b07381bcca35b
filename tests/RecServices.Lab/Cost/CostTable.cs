using System.Globalization;
using System.Text;

namespace RecServices.Lab.Cost;

/// <summary>
/// The Markdown tables of a <c>recs-lab cost</c> run: per request, serving start-up and memory, the build by step.
/// </summary>
public static class CostTable
{
    public static string Markdown(IReadOnlyList<SizeCost> sizes, string machine)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(
            c,
            $"Synthetic data, {machine}. Quality and in-process times on each size's held-out carve; gRPC "
                + $"calls at concurrency 1 on loopback."
        );
        text.AppendLine();
        text.AppendLine(
            "| items | Recommend p50 / p99 ms | GetCandidates p50 / p99 ms | RankCandidates p50 / p99 ms "
                + "| floor p50 ms | two-stage in process p50 / p99 ms | full catalog p50 / p99 ms | full / "
                + "two-stage | nDCG@10 two-stage / full (share) | popularity nDCG@10 |"
        );
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in sizes)
        {
            var q = s.Quality;
            text.AppendLine(
                c,
                $"| {SizeCost.Label(s.Items)} | {Call(s, CostRun.Recommend)} | "
                    + $"{Call(s, CostRun.GetCandidates)} | {Call(s, CostRun.RankCandidates)} | "
                    + $"{s.Call(CostRun.Floor).P50Ms:F3} | {q.TwoStageP50Ms:F3} / {q.TwoStageP99Ms:F3} | "
                    + $"{q.FullCatalogP50Ms:F3} / {q.FullCatalogP99Ms:F3} | × {q.Speedup:F1} | "
                    + $"{q.TwoStageNdcg:F4} / {q.FullCatalogNdcg:F4} ({q.NdcgShare:P1}) | {q.PopularityNdcg:F4} "
                    + $"|"
            );
        }

        text.AppendLine();
        text.AppendLine(
            "| items | retrieval: start s, RSS MB (× tables) | ranking: start s, RSS MB (× tables) | "
                + "gateway (seeds its store): start s, RSS MB | build min | build peak RSS GB | bundle MB | "
                + "validation nDCG@10 (popularity) |"
        );
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var s in sizes)
        {
            var b = s.Build;
            text.AppendLine(
                c,
                $"| {SizeCost.Label(s.Items)} | {Service(s, 0)} | {Service(s, 1)} | "
                    + $"{s.Services[2].ReadySeconds:F2}, {s.Services[2].RssAfterCallsBytes / 1e6:F0} | "
                    + $"{b.Seconds / 60:F1} | "
                    + $"{(b.PeakRssBytes is { } peak ? (peak / 1e9).ToString("F2", c) : "n/a")} | "
                    + $"{b.BundleBytes / 1e6:F0} | {b.ValidationNdcg:F4} "
                    + $"({(b.PopularityNdcg is { } p ? p.ToString("F4", c) : "n/a")}) |"
            );
        }

        text.AppendLine();
        // Steps named with their size ("partition the items (spherical k-means, 32 partitions)") share a row by their
        // first words.
        static string Row(string name) => name.Split(" (")[0];
        var names = sizes.SelectMany(s => s.Build.Steps.Select(x => Row(x.Name))).Distinct().ToList();
        text.AppendLine(
            c,
            $"| build step | {string.Join(" | ", sizes.Select(s => SizeCost.Label(s.Items) + ": s (peak RSS GB)"))} |"
        );
        text.AppendLine(c, $"|---|{string.Concat(sizes.Select(_ => "---|"))}");
        foreach (var name in names)
        {
            var cells = sizes.Select(s =>
                s.Build.Steps.FirstOrDefault(x => Row(x.Name) == name) is { } step ? Step(step) : "–"
            );
            text.AppendLine(c, $"| {name} | {string.Join(" | ", cells)} |");
        }

        return text.ToString();
    }

    private static string Call(SizeCost s, string name) =>
        s.Call(name) is var m
            ? string.Create(CultureInfo.InvariantCulture, $"{m.P50Ms:F3} / {m.P99Ms:F3}")
            : string.Empty;

    private static string Service(SizeCost s, int index) =>
        s.Services[index] is var x
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"{x.ReadySeconds:F2}, {x.RssAfterCallsBytes / 1e6:F0} (× {x.RssOverTables:F2})"
            )
            : string.Empty;

    private static string Step(Core.Bundles.BuildStep step) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{step.Seconds:F1}{(step.PeakRssBytes is { } peak ? $" ({peak / 1e9:F2})" : string.Empty)}"
        );
}
