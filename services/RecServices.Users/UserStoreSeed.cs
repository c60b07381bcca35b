using RecServices.Core.Bundles;
using RecServices.Core.Data;

namespace RecServices.Users;

/// <summary>What an empty store is seeded with: the users and interactions of a bundle (or of any dataset).</summary>
/// <param name="Version">Recorded in the store as the version it was seeded from.</param>
/// <param name="Users">Users by index, with their profiles.</param>
/// <param name="ItemIds">Item ids by index.</param>
/// <param name="Interactions">Rows over those user and item indices.</param>
public sealed record UserStoreSeed(
    string Version,
    IReadOnlyList<User> Users,
    IReadOnlyList<string> ItemIds,
    InteractionTable Interactions
)
{
    /// <summary>The seed of a bundle loaded with its users and interactions.</summary>
    public static UserStoreSeed From(Bundle bundle)
    {
        var users =
            bundle.Users
            ?? throw new ArgumentException(
                "the bundle was loaded without its users (BundleParts.Users)",
                nameof(bundle)
            );
        return new UserStoreSeed(
            bundle.Manifest.Version,
            users,
            bundle.Catalog.Items.Select(i => i.Id).ToArray(),
            bundle.Interactions!
        );
    }

    /// <summary>Each user's rows in time order (ties in row order): the order the stores replay them in.</summary>
    public (int[] Offsets, int[] Rows) RowsByUser() => Interactions.GroupByUser(Users.Count);
}
