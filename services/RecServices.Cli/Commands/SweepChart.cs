using RecServices.Evaluation;
using ScottPlot;

namespace RecServices.Cli.Commands;

/// <summary>
/// The sweep chart: served nDCG@10 (validation and test), retrieval recall and median latency (in process, and via
/// gRPC when measured) against the candidate count.
/// </summary>
internal static class SweepChart
{
    public static void Write(SweepReport report, string path)
    {
        var plot = new Plot();
        var candidates = report.Points.Select(p => p.Test.MeanCandidates).ToArray();
        var validation = plot.Add.Scatter(
            report.Points.Select(p => p.Validation.MeanCandidates).ToArray(),
            report.Points.Select(p => CandidateSweep.Ndcg(p.Validation, report.K)).ToArray()
        );
        validation.LegendText = $"nDCG@{report.K}, validation carve";
        var test = plot.Add.Scatter(
            candidates,
            report.Points.Select(p => CandidateSweep.Ndcg(p.Test, report.K)).ToArray()
        );
        test.LegendText = $"nDCG@{report.K}, test split";
        var recall = plot.Add.Scatter(candidates, report.Points.Select(p => p.Test.RetrievalRecall).ToArray());
        recall.LegendText = "retrieval recall, test";
        var latency = plot.Add.Scatter(candidates, report.Points.Select(p => p.Test.LatencyP50Ms).ToArray());
        latency.LegendText = "p50 latency in process (ms), right axis";
        latency.Axes.YAxis = plot.Axes.Right;
        var viaGrpc = report.Points.All(p => p.ViaGrpc is not null);
        if (viaGrpc)
        {
            var served = plot.Add.Scatter(candidates, report.Points.Select(p => p.ViaGrpc!.LatencyP50Ms).ToArray());
            served.LegendText = "p50 latency via gRPC, 3 processes (ms), right axis";
            served.Axes.YAxis = plot.Axes.Right;
        }

        var chosen = report.Points.Single(p => p.QuotaScale == report.ChosenScale);
        var line = plot.Add.VerticalLine(chosen.Test.MeanCandidates);
        line.LegendText = "chosen default";
        line.LinePattern = LinePattern.Dashed;
        plot.Axes.Bottom.Label.Text = "candidates per request (mean)";
        plot.Axes.Left.Label.Text = "quality";
        plot.Axes.Right.Label.Text = viaGrpc ? "latency, ms" : "latency, ms (in process)";
        plot.Title($"{report.Dataset}: served quality and latency vs candidate count");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 900, 540);
    }
}
