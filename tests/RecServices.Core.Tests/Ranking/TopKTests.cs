using RecServices.Core.Ranking;

namespace RecServices.Core.Tests.Ranking;

/// <summary>
/// Top-k selection against a full sort: best first, ties by lower index, NaN and negative infinity skipped.
/// </summary>
public sealed class TopKTests
{
    [Fact]
    public void Select_ReturnsBestFirst_TiesByLowerIndex()
    {
        float[] scores = [0.5f, 2f, 1f, 2f, -1f];
        var top = new int[3];

        var n = TopK.Select(scores, top);

        Assert.Equal(3, n);
        Assert.Equal([1, 3, 2], top);
    }

    [Fact]
    public void Select_KLargerThanInput_ReturnsAllSorted()
    {
        float[] scores = [1f, 3f, 2f];
        var top = new int[10];

        var n = TopK.Select(scores, top);

        Assert.Equal(3, n);
        Assert.Equal([1, 2, 0], top[..n]);
    }

    [Fact]
    public void Select_SkipsNaNAndNegativeInfinity()
    {
        float[] scores = [float.NaN, float.NegativeInfinity, 1f, float.PositiveInfinity];
        var top = new int[4];

        var n = TopK.Select(scores, top);

        Assert.Equal([3, 2], top[..n]);
    }

    [Fact]
    public void Select_RandomScores_MatchesFullSort()
    {
        var rng = new Random(42);
        for (var trial = 0; trial < 50; trial++)
        {
            var scores = Enumerable
                .Range(0, rng.Next(1, 500))
                .Select(_ => (float)Math.Round(rng.NextDouble() * 20))
                .ToArray();
            var k = rng.Next(1, 40);
            var top = new int[k];

            var n = TopK.Select(scores, top);

            var expected = Enumerable
                .Range(0, scores.Length)
                .OrderByDescending(i => scores[i])
                .ThenBy(i => i)
                .Take(k)
                .ToArray();
            Assert.Equal(expected, top[..n]);
        }
    }
}
