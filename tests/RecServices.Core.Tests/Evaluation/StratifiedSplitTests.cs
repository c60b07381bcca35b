using RecServices.Core.Data;
using RecServices.Core.Evaluation;

namespace RecServices.Core.Tests.Evaluation;

/// <summary>
/// The protocol's per-item split: each item's rounded share in train, the same split for the same seed, the parts
/// covering every row once.
/// </summary>
public sealed class StratifiedSplitTests
{
    [Fact]
    public void ByItem_EachItem_KeepsRoundedShareInTrain()
    {
        var rows = new InteractionTable();
        // item 0: 4 rows → round(3.0) = 3 train; item 1: 2 rows → round(1.5) = 2 (half to even); item 2: 1 row →
        // round(0.75) = 1.
        for (var u = 0; u < 4; u++)
        {
            rows.Add(u, 0, 1, u, InteractionKind.Watched);
        }

        rows.Add(0, 1, 1, 0, InteractionKind.Watched);
        rows.Add(1, 1, 1, 0, InteractionKind.Watched);
        rows.Add(0, 2, 1, 0, InteractionKind.Watched);

        var (train, test) = StratifiedSplit.ByItem(rows, itemCount: 3, trainFraction: 0.75, seed: 42);

        Assert.Equal(3, train.Items.ToArray().Count(i => i == 0));
        Assert.Equal(2, train.Items.ToArray().Count(i => i == 1));
        Assert.Equal(1, train.Items.ToArray().Count(i => i == 2));
        Assert.Equal(1, test.Count);
    }

    [Fact]
    public void ByItem_SameSeed_SameSplit_AndPartsCoverTheRows()
    {
        var data = SyntheticDataset.Generate(
            new SyntheticOptions
            {
                Users = 100,
                Items = 80,
                Interactions = 3000,
            }
        );

        var (a, at) = StratifiedSplit.ByItem(data.Interactions, data.Items.Count, 0.75, 42);
        var (b, _) = StratifiedSplit.ByItem(data.Interactions, data.Items.Count, 0.75, 42);
        var (c, _) = StratifiedSplit.ByItem(data.Interactions, data.Items.Count, 0.75, 43);

        Assert.Equal(a.Users.ToArray(), b.Users.ToArray());
        Assert.Equal(a.Items.ToArray(), b.Items.ToArray());
        Assert.NotEqual(a.Users.ToArray(), c.Users.ToArray());
        Assert.Equal(data.Interactions.Count, a.Count + at.Count);
        Assert.InRange(a.Count / (double)data.Interactions.Count, 0.72, 0.78);
    }
}
