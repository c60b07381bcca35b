using RecServices.Core.Ranking;

namespace RecServices.Core.Tests.Ranking;

/// <summary>The streaming top-k keeps exactly what the batch top-k selects, in the same order.</summary>
public sealed class RunningTopKTests
{
    [Fact]
    public void Offer_SeededStreamWithTiesAndNaN_KeepsWhatTopKSelectsInTheSameOrder()
    {
        var rng = new Random(3);
        var scores = Enumerable
            .Range(0, 5_000)
            .Select(_ =>
                rng.Next(10) switch
                {
                    0 => float.NaN,
                    1 => float.NegativeInfinity,
                    _ => rng.Next(200) / 10f, // many ties
                }
            )
            .ToArray();
        foreach (var k in new[] { 1, 7, 50, 6_000 })
        {
            var expected = new int[Math.Min(k, scores.Length)];
            var n = TopK.Select(scores, expected);
            var (ids, kept, size) = (new int[k], new float[k], 0);

            for (var i = 0; i < scores.Length; i++)
            {
                RunningTopK.Offer(ids, kept, ref size, i, scores[i]);
            }

            RunningTopK.Sort(ids, kept, size);
            Assert.Equal(expected[..n], ids[..size]);
            Assert.Equal(expected[..n].Select(i => scores[i]), kept[..size]);
        }
    }

    [Fact]
    public void Threshold_FullHeap_IsTheWorstKeptScore()
    {
        var (ids, scores, size) = (new int[2], new float[2], 0);
        Assert.Equal(float.NegativeInfinity, RunningTopK.Threshold(scores, size, 2));

        RunningTopK.Offer(ids, scores, ref size, 0, 3f);
        RunningTopK.Offer(ids, scores, ref size, 1, 5f);
        RunningTopK.Offer(ids, scores, ref size, 2, 4f);

        Assert.Equal(4f, RunningTopK.Threshold(scores, size, 2));
    }
}
