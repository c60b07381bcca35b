using RecServices.Core.Data;

namespace RecServices.Core.Tests.Data;

/// <summary>Erased users left out of a dataset before training.</summary>
public sealed class ErasuresTests
{
    [Fact]
    public void Apply_LeavesOutTheRowsUpToTheErasure_AndTheUserUnlessTheyCameBack()
    {
        var rows = new InteractionTable();
        rows.Add(0, 0, 1, 100, InteractionKind.Watched); // a: kept
        rows.Add(1, 1, 1, 100, InteractionKind.Watched); // b: erased at 150
        rows.Add(2, 2, 1, 100, InteractionKind.Watched); // c: erased at 150, came back at 200
        rows.Add(2, 0, 1, 200, InteractionKind.Purchased);
        rows.Add(1, 2, 1, 150, InteractionKind.Watched); // b, at the erasure itself: erased too
        var data = new Dataset(
            "d",
            ["x"],
            [new Item("i0", "I0", null, [0]), new Item("i1", "I1", null, [0]), new Item("i2", "I2", null, [0])],
            [new User("a", "US", 30, "F"), new User("b", "FR", 40, "M"), new User("c", "DE", 50, "F")],
            rows
        );

        var (left, users, removed) = Erasures.Apply(
            data,
            [new Erasure("b", 150), new Erasure("c", 150), new Erasure("not-in-the-data", 150)]
        );

        Assert.Equal((1, 3), (users, removed));
        Assert.Equal([new User("a", "US", 30, "F"), new User("c", null)], left.Users);
        Assert.Equal([0, 1], left.Interactions.Users.ToArray());
        Assert.Equal([0, 0], left.Interactions.Items.ToArray());
        Assert.Equal([100L, 200L], left.Interactions.Timestamps.ToArray());
        Assert.Same(data, Erasures.Apply(data, []).Dataset);
    }
}
