namespace RecServices.Core.Data;

/// <summary>Draws values with probability proportional to their weights (cumulative sums and binary search).</summary>
internal sealed class WeightedSampler
{
    private readonly int[] _values;
    private readonly double[] _cumulative;

    public WeightedSampler(int[] values, double[] weights)
    {
        if (values.Length == 0 || values.Length != weights.Length)
        {
            throw new ArgumentException("values and weights must be non-empty and of equal length");
        }

        _values = values;
        _cumulative = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += Math.Max(0, weights[i]);
            _cumulative[i] = sum;
        }

        if (sum <= 0)
        {
            throw new ArgumentException("weights must not all be zero");
        }
    }

    public int Sample(Random rng)
    {
        var target = rng.NextDouble() * _cumulative[^1];
        var index = Array.BinarySearch(_cumulative, target);
        index = index < 0 ? ~index : index;
        return _values[Math.Min(index, _values.Length - 1)];
    }
}
