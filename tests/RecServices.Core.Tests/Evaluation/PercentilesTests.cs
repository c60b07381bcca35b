using RecServices.Core.Evaluation;

namespace RecServices.Core.Tests.Evaluation;

/// <summary>Nearest-rank percentiles as the load reports quote them, and their edge cases.</summary>
public sealed class PercentilesTests
{
    [Fact]
    public void Of_TenValues_IsNearestRank()
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

        Assert.Equal(5, Percentiles.Of(sorted, 0.5)); // ceil(0.5 × 10) = 5th value
        Assert.Equal(9, Percentiles.Of(sorted, 0.9)); // ceil(0.9 × 10) = 9th
        Assert.Equal(10, Percentiles.Of(sorted, 0.99)); // ceil(9.9) = 10th
        Assert.Equal(10, Percentiles.Of(sorted, 1));
        Assert.Equal(1, Percentiles.Of(sorted, 0.01)); // ceil(0.1) = 1st
    }

    [Fact]
    public void Of_OneValue_IsThatValue() => Assert.Equal(7, Percentiles.Of([7.0], 0.999));

    [Fact]
    public void Of_Empty_IsZero() => Assert.Equal(0, Percentiles.Of([], 0.5));

    [Fact]
    public void Of_QuantileOutsideZeroToOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of([1.0], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of([1.0], 1.5));
    }
}
