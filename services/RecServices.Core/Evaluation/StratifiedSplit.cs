using RecServices.Core.Data;

namespace RecServices.Core.Evaluation;

/// <summary>
/// The per-item stratified split of docs/evaluation.md (<c>ms-stratified-75</c>): every row draws a uniform
/// number from <c>new Random(seed)</c> in row order; within each item the rows are sorted by that number
/// and the first <c>round(fraction × count)</c> (round half to even, as Python's <c>round</c>) go to train.
/// </summary>
public static class StratifiedSplit
{
    public static (InteractionTable Train, InteractionTable Test) ByItem(
        InteractionTable rows,
        int itemCount,
        double trainFraction,
        int seed
    )
    {
        if (trainFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(trainFraction),
                trainFraction,
                "the train fraction must lie strictly between 0 and 1"
            );
        }

        var rng = new Random(seed);
        var draws = new double[rows.Count];
        for (var row = 0; row < rows.Count; row++)
        {
            draws[row] = rng.NextDouble();
        }

        var offsets = new int[itemCount + 1];
        foreach (var item in rows.Items)
        {
            offsets[item + 1]++;
        }

        for (var i = 0; i < itemCount; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        var order = new int[rows.Count];
        var next = (int[])offsets.Clone();
        for (var row = 0; row < rows.Count; row++)
        {
            order[next[rows.Items[row]]++] = row;
        }

        var inTrain = new bool[rows.Count];
        for (var i = 0; i < itemCount; i++)
        {
            var group = order.AsSpan(offsets[i], offsets[i + 1] - offsets[i]);
            group.Sort((a, b) => draws[a].CompareTo(draws[b]));
            var trainCount = (int)Math.Round(trainFraction * group.Length, MidpointRounding.ToEven);
            foreach (var row in group[..trainCount])
            {
                inTrain[row] = true;
            }
        }

        return (rows.Where(row => inTrain[row]), rows.Where(row => !inTrain[row]));
    }
}
