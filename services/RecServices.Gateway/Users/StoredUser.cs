namespace RecServices.Gateway.Users;

/// <summary>A user's profile and history as the store holds them: item ids oldest first, distinct (latest occurrence wins).</summary>
public sealed record StoredUser(string Id, string? Country, int? Age, string? Gender, IReadOnlyList<string> History);
