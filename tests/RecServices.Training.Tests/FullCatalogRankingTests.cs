using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;

namespace RecServices.Training.Tests;

/// <summary>
/// Full-catalog scoring, the reference the two-stage pipeline (and <c>recs-lab cost</c>) is measured against.
/// </summary>
public sealed class FullCatalogRankingTests
{
    [Fact]
    public void RankAll_EveryUser_IsTheBruteForceTopTenOfTheUnseenItems()
    {
        var bundle = Bundle.Load(TestBundle.Path, BundleParts.Core);
        using var ranker = new Ranker(bundle);
        var histories = UserHistories.Build(TestBundle.Dataset.Interactions, TestBundle.Dataset.Users.Count);
        var (d, vectors) = (bundle.Vectors!.Dimension, bundle.Vectors.Values.ToArray());
        var vector = new float[d];
        var result = new RankedItem[10];
        for (var u = 0; u < TestBundle.Dataset.Users.Count; u += 7)
        {
            var user = new UserProfile(
                histories.Of(u).ToArray(),
                TestBundle.Dataset.Users[u].Age,
                TestBundle.Dataset.Users[u].Gender
            );
            ranker.UserVector(user, vector);
            var seen = user.History.ToHashSet();
            double Score(int item) => Enumerable.Range(0, d).Sum(j => (double)vector[j] * vectors[item * d + j]);
            var expected = Enumerable
                .Range(0, bundle.Catalog.Count)
                .Where(i => !seen.Contains(i))
                .Select(Score)
                .OrderDescending()
                .Take(10)
                .ToArray();

            var n = ranker.RankAll(user, SeenFilter.Of(user.History), result);

            // The top ten up to float rounding: each place holds an unseen item scoring what the brute force's place
            // scores.
            Assert.Equal(10, n);
            for (var i = 0; i < n; i++)
            {
                Assert.DoesNotContain(result[i].Item, seen);
                Assert.Equal(expected[i], Score(result[i].Item), 1e-4);
                Assert.Equal(expected[i], result[i].Score, 1e-4);
            }
        }
    }

    [Fact]
    public void RecommendFromCatalog_UserWhoHasSeenAlmostEverything_ReturnsOnlyTheUnseenItems()
    {
        var bundle = Bundle.Load(TestBundle.Path, BundleParts.Retrieval | BundleParts.Core);
        using var ranker = new Ranker(bundle);
        var pipeline = TwoStagePipeline.Create(bundle, ranker, RetrievalOptions.Default);
        var unseen = new[] { 5, 17, 230 };
        var history = Enumerable.Range(0, bundle.Catalog.Count).Except(unseen).ToArray();

        var top = pipeline.RecommendFromCatalog(new UserProfile(history, 30, "F"), 10);

        Assert.Equal(unseen, top.Select(r => r.Item).Order());
    }
}
