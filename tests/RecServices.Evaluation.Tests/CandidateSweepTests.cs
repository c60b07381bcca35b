using RecServices.Core.Data;

namespace RecServices.Evaluation.Tests;

/// <summary>
/// The candidate-count sweep: more candidates recall more, and the choice is the fewest within noise of the best on
/// validation.
/// </summary>
public sealed class CandidateSweepTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recs-sweep-").FullName;

    [Fact]
    public async Task RunAsync_TwoBudgets_MoreCandidatesRecallMoreAndTheChoiceIsTheFewestWithinNoiseOfTheBest()
    {
        var data = SyntheticDataset.Generate(TestBundle.Data);

        var report = await new CandidateSweep(TestBundle.Options, _ => { })
            .RunAsync(data, _dir, [0.5, 4])
            .WithTimeout(TimeSpan.FromMinutes(10));

        Assert.Equal(2, report.Points.Count);
        var (small, large) = (report.Points[0], report.Points[1]);
        Assert.True(large.Test.MeanCandidates > small.Test.MeanCandidates);
        Assert.True(large.Test.RetrievalRecall > small.Test.RetrievalRecall);
        Assert.True(large.Validation.RetrievalRecall > small.Validation.RetrievalRecall);
        // The fewest candidates within the noise level (0.5 %) of the best validation nDCG@10.
        var best = report.Points.Max(p => CandidateSweep.Ndcg(p.Validation, 10));
        var expected =
            CandidateSweep.Ndcg(small.Validation, 10) >= best * (1 - Training.Model.HyperparameterSearch.MinGain)
                ? small
                : large;
        Assert.Equal(expected.QuotaScale, report.ChosenScale);
        Assert.All(report.Points, p => Assert.True(p.Test.LatencyP50Ms > 0));
        Assert.All(report.Points, p => Assert.Null(p.ViaGrpc));
        Assert.Equal(
            [ProtocolEvaluator.Ease, ProtocolEvaluator.FullCatalog, ProtocolEvaluator.Popularity],
            report.TestReferences.Keys.Order(StringComparer.Ordinal)
        );
        Assert.Equal(
            report.TestReferences.Keys.Order(StringComparer.Ordinal),
            report.ValidationReferences.Keys.Order(StringComparer.Ordinal)
        );
        Assert.All(report.TestReferences.Values, row => Assert.InRange(row[ProtocolEvaluator.TopShare], 0, 1));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
