using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Training.Bundling;

namespace RecServices.Training.Tests;

/// <summary>
/// One account recording one item thousands of times must not lift it into the lists served to every user (cold
/// start, the degraded fallback, the category and country sources): recorded events collapse to one row per user and
/// item, and the top lists count distinct users.
/// </summary>
public sealed class PoisoningTests
{
    private const int Length = 50;

    [Fact]
    public void OneUserRecordingOneItem5000Times_MovesItInNoTopList()
    {
        var dataset = SyntheticDataset.Generate(
            new SyntheticOptions
            {
                Users = 400,
                Items = 600,
                Interactions = 12_000,
            }
        );
        var plain = TopListsBuilder.Build(dataset, Length);
        // an item far from the top of every list, and a user with a country
        var target = Enumerable
            .Range(0, dataset.Items.Count)
            .First(i => !plain.Global.Items.Contains(i) && dataset.Items[i].Categories.Length > 0);
        var attacker = dataset.Users.First(u => u.Country is not null);
        var targetId = dataset.Items[target].Id;

        var once = Recorded(dataset, attacker.Id, targetId, 1);
        var flooded = Recorded(dataset, attacker.Id, targetId, 5_000);

        Assert.Equal(1, flooded.Merge.Added);
        Assert.Equal(4_999, flooded.Merge.Collapsed);
        var (a, b) = (TopListsBuilder.Build(once.Dataset, Length), TopListsBuilder.Build(flooded.Dataset, Length));
        AssertSame(a.Global, b.Global);
        Assert.DoesNotContain(target, b.Global.Items);
        foreach (var category in dataset.Items[target].Categories)
        {
            AssertSame(a.ByCategory[dataset.Categories[category]], b.ByCategory[dataset.Categories[category]]);
        }

        AssertSame(a.ByCountry[attacker.Country!], b.ByCountry[attacker.Country!]);

        // and a dataset that itself repeats one user's rows (a listening log) counts the user once
        var repeated = new InteractionTable(once.Dataset.Interactions.Count + 5_000);
        for (var row = 0; row < once.Dataset.Interactions.Count; row++)
        {
            repeated.AddRow(once.Dataset.Interactions, row);
        }

        var user = once.Dataset.UserIndex[attacker.Id];
        for (var n = 0; n < 5_000; n++)
        {
            repeated.Add(user, target, 1, 1_900_000_000 + n, InteractionKind.Watched);
        }

        var listened = TopListsBuilder.Build(
            new Dataset("repeated", dataset.Categories, dataset.Items, once.Dataset.Users, repeated),
            Length
        );
        AssertSame(a.Global, listened.Global);
    }

    private static (Dataset Dataset, RecordedMerge Merge) Recorded(
        Dataset dataset,
        string user,
        string item,
        int times
    ) =>
        RecordedInteractions.AppendTo(
            dataset,
            Enumerable
                .Range(0, times)
                .Select(n => new RecordedInteraction(
                    user,
                    item,
                    InteractionKind.Watched,
                    null,
                    1_800_000_000 + n,
                    $"e{n}"
                ))
        );

    private static void AssertSame(TopList expected, TopList actual)
    {
        Assert.Equal(expected.Items, actual.Items);
        Assert.Equal(expected.Scores, actual.Scores);
    }
}
