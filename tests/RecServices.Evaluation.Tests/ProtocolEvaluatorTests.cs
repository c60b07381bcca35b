using RecServices.Core.Data;
using RecServices.Core.Evaluation;

namespace RecServices.Evaluation.Tests;

/// <summary>
/// The protocol run end to end on small data: every test user scored, train items never recommended, the yardsticks
/// beside the served pipeline.
/// </summary>
public sealed class ProtocolEvaluatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recs-eval-").FullName;

    [Fact]
    public void Run_SmallSyntheticData_EvaluatesEveryTestUserWithoutTheirTrainItems()
    {
        var data = SyntheticDataset.Generate(TestBundle.Data);
        var evaluator = new ProtocolEvaluator(TestBundle.Options, _ => { });

        var (report, lists) = evaluator.Run(data, _dir, k: 10, maxCandidates: 200);

        var (train, test) = StratifiedSplit.ByItem(data.Interactions, data.Items.Count, 0.75, 42);
        var testUsers = test
            .Users.ToArray()
            .Distinct()
            .Select(u => data.Users[u].Id)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(testUsers.Length, report.Users);
        Assert.Equal(testUsers, lists.Select(l => l.User).Order(StringComparer.Ordinal));
        var histories = UserHistories.Build(train, data.Users.Count);
        foreach (var list in lists)
        {
            var seen = histories.Of(data.UserIndex[list.User]).ToArray().Select(i => data.Items[i].Id).ToHashSet();
            Assert.InRange(list.Items.Count, 1, 10);
            Assert.DoesNotContain(list.Items, seen.Contains);
        }

        Assert.InRange(report.MeanCandidates, 10, 200);
        Assert.InRange(report.RetrievalRecall, 0.01, 1);
        Assert.Equal(
            [
                ProtocolEvaluator.Ease,
                ProtocolEvaluator.FullCatalog,
                ProtocolEvaluator.Popularity,
                ProtocolEvaluator.Served,
            ],
            report.Rows.Keys.Order(StringComparer.Ordinal)
        );
        Assert.True(
            report.Rows[ProtocolEvaluator.Ease]["ndcg@10"] > report.Rows[ProtocolEvaluator.Popularity]["ndcg@10"]
        );
        Assert.True(
            report.Rows[ProtocolEvaluator.Served]["ndcg@10"] > report.Rows[ProtocolEvaluator.Popularity]["ndcg@10"]
        );
        Assert.All(report.Rows.Values, row => Assert.InRange(row[ProtocolEvaluator.TopShare], 0, 1));
        Assert.All(report.Rows.Values, row => Assert.InRange(row["coverage"], 0, 1));

        // Popularity's lists are the most popular unseen items: its head share follows from the train counts alone.
        var counts = new int[data.Items.Count];
        foreach (var item in train.Items)
        {
            counts[item]++;
        }

        var head = Enumerable
            .Range(0, data.Items.Count)
            .OrderByDescending(i => counts[i])
            .ThenBy(i => i)
            .Take(ProtocolEvaluator.HeadSize(data.Items.Count))
            .ToHashSet();
        var trainHistories = UserHistories.Build(train, data.Users.Count);
        var testUserIndices = test.Users.ToArray().Distinct().ToArray();
        var expected =
            testUserIndices.Sum(u => Math.Min(10, head.Count(h => !trainHistories.Of(u).Contains(h))))
            / (10.0 * testUserIndices.Length);
        Assert.Equal(expected, report.Rows[ProtocolEvaluator.Popularity][ProtocolEvaluator.TopShare], 9);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
