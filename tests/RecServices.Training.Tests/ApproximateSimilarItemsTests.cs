using RecServices.Training.Bundling;

namespace RecServices.Training.Tests;

public sealed class ApproximateSimilarItemsTests
{
    [Fact]
    public void Build_ClusteredVectors_RecallsMostExactNeighbours()
    {
        const int Count = 3_000;
        const int Dim = 16;
        const int K = 10;
        var rng = new Random(4);
        var centres = Enumerable.Range(0, 60).Select(_ => Enumerable.Range(0, Dim).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var vectors = new float[Count * Dim];
        for (var i = 0; i < Count; i++)
        {
            var c = centres[rng.Next(centres.Length)];
            for (var d = 0; d < Dim; d++)
            {
                vectors[(i * Dim) + d] = c[d] + (float)((rng.NextDouble() - 0.5) * 0.6);
            }
        }

        var exact = ExactSimilarItems.Build(vectors, Count, Dim, K);
        var approximate = ApproximateSimilarItems.Build(vectors, Count, Dim, K);

        var hits = 0;
        for (var i = 0; i < Count; i++)
        {
            var truth = exact.Of(i).ToArray().ToHashSet();
            foreach (var n in approximate.Of(i))
            {
                Assert.NotEqual(i, n);
                hits += truth.Contains(n) ? 1 : 0;
            }
        }

        var recall = hits / (double)(Count * K);
        Assert.True(recall >= 0.9, $"recall@{K} of the approximate table = {recall:F3}");
    }
}
