using RecServices.Core.Data;

namespace RecServices.Users.Tests;

/// <summary>Seeds built in memory: small users with profiles, a heavy user, or nothing.</summary>
public static class StoreSeeds
{
    public static UserStoreSeed Empty { get; } = new("empty", [], [], new InteractionTable(0));

    /// <summary>
    /// Ten users u0…u9 with profiles (u9 has none) over 100 items i0…i99: 20 interactions each at seeded times, with
    /// repeats (an item seen again moves to its later time) and ties of equal times (kept in row order).
    /// </summary>
    public static UserStoreSeed Small(string version = "small-v1")
    {
        var users = Enumerable
            .Range(0, 10)
            .Select(u =>
                u < 9 ? new User($"u{u}", $"C{u % 3}", 20 + u, u % 2 == 0 ? "F" : "M") : new User($"u{u}", null)
            )
            .ToList();
        var rows = new InteractionTable();
        var random = new Random(7);
        for (var u = 0; u < users.Count; u++)
        {
            for (var j = 0; j < 20; j++)
            {
                var kind = (InteractionKind)(1 + random.Next(3));
                rows.Add(
                    u,
                    random.Next(30),
                    kind == InteractionKind.Rated ? 1 + random.Next(5) : 1,
                    1_000_000 + random.Next(10) * 60,
                    kind
                );
            }
        }

        return new UserStoreSeed(version, users, Items(100), rows);
    }

    /// <summary>
    /// One user "heavy" with 60,000 interactions over 50,000 distinct items h0…h49999, one per second, h0 first; the
    /// first 10,000 again at the end in reverse order, so the newest are h0, h1, … h9999 read backwards.
    /// </summary>
    public static UserStoreSeed Heavy()
    {
        const int distinct = 50_000;
        var rows = new InteractionTable(60_000);
        for (var i = 0; i < distinct; i++)
        {
            rows.Add(0, i, 1, 1_000_000 + i, InteractionKind.Watched);
        }

        for (var i = 9_999; i >= 0; i--)
        {
            rows.Add(0, i, 1, 2_000_000 + (9_999 - i), InteractionKind.Watched);
        }

        return new UserStoreSeed(
            "heavy-v1",
            [new User("heavy", "US", 40, "F")],
            Enumerable.Range(0, distinct).Select(i => $"h{i}").ToArray(),
            rows
        );
    }

    /// <summary>
    /// The distinct items of each user of <paramref name="seed"/> in time order, by id: what a store must answer.
    /// </summary>
    public static IReadOnlyList<string> HistoryOf(UserStoreSeed seed, int user) =>
        UserHistories
            .Build(seed.Interactions, seed.Users.Count)
            .Of(user)
            .ToArray()
            .Select(i => seed.ItemIds[i])
            .ToArray();

    private static string[] Items(int count) => Enumerable.Range(0, count).Select(i => $"i{i}").ToArray();
}
