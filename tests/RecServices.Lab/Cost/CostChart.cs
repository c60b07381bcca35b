using ScottPlot;

namespace RecServices.Lab.Cost;

/// <summary>
/// The cost chart: time per request against catalog size, both axes log scale: Recommend, GetCandidates and
/// RankCandidates over gRPC, the two-stage pipeline and full-catalog scoring in process (p50 of each), and the
/// bundle build in minutes.
/// </summary>
public static class CostChart
{
    public static void Write(IReadOnlyList<SizeCost> sizes, string path)
    {
        var plot = new Plot();
        var items = sizes.Select(s => Math.Log10(s.Items)).ToArray();
        void Line(string label, Func<SizeCost, double> value, LinePattern pattern)
        {
            var line = plot.Add.Scatter(items, sizes.Select(s => Math.Log10(Math.Max(value(s), 1e-4))).ToArray());
            line.LegendText = label;
            line.LinePattern = pattern;
            line.MarkerSize = 7;
        }

        Line("Recommend over gRPC, 3 processes (p50 ms)", s => s.Call(CostRun.Recommend).P50Ms, LinePattern.Solid);
        Line("retrieval GetCandidates over gRPC (p50 ms)", s => s.Call(CostRun.GetCandidates).P50Ms, LinePattern.Solid);
        Line("ranking RankCandidates over gRPC (p50 ms)", s => s.Call(CostRun.RankCandidates).P50Ms, LinePattern.Solid);
        Line("two-stage pipeline in process (p50 ms)", s => s.Quality.TwoStageP50Ms, LinePattern.Dashed);
        Line("full-catalog scoring in process (p50 ms)", s => s.Quality.FullCatalogP50Ms, LinePattern.Dashed);
        Line("bundle build (minutes)", s => s.Build.Seconds / 60, LinePattern.Dotted);

        plot.Axes.Bottom.TickGenerator = LogTicks(SizeCost.Label);
        plot.Axes.Left.TickGenerator = LogTicks(v => v >= 1 ? $"{v:0.#}" : $"{v:0.###}");
        plot.Axes.Bottom.Label.Text = "items in the catalog (log scale)";
        plot.Axes.Left.Label.Text = "ms per request; minutes for the build (log scale)";
        plot.Title("Cost against catalog size (synthetic data, 2 cores)");
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 960, 720);
    }

    /// <summary>Ticks at powers of ten (values are plotted as their log10), minor ticks between them.</summary>
    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks(Func<double, string> label) =>
        new()
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => label(Math.Pow(10, v)),
        };
}
