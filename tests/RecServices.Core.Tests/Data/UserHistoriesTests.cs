using RecServices.Core.Data;

namespace RecServices.Core.Tests.Data;

/// <summary>
/// A user's history as the store and the towers read it: time order, an item repeated kept at its latest time.
/// </summary>
public sealed class UserHistoriesTests
{
    [Fact]
    public void Build_OrdersByTimeAndKeepsTheLatestRepeat()
    {
        var rows = new InteractionTable();
        rows.Add(0, 5, 1, 300, InteractionKind.Watched);
        rows.Add(0, 7, 1, 100, InteractionKind.Watched);
        rows.Add(1, 2, 1, 50, InteractionKind.Purchased);
        rows.Add(0, 9, 1, 200, InteractionKind.Watched);
        rows.Add(0, 7, 1, 400, InteractionKind.Watched);

        var histories = UserHistories.Build(rows, userCount: 3);

        Assert.Equal([9, 5, 7], histories.Of(0).ToArray());
        Assert.Equal([2], histories.Of(1).ToArray());
        Assert.True(histories.Of(2).IsEmpty);
    }
}
