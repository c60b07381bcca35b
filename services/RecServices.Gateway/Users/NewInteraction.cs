using RecServices.Core.Data;

namespace RecServices.Gateway.Users;

/// <summary>An interaction to append to a user's history.</summary>
public sealed record NewInteraction(string UserId, string ItemId, InteractionKind Kind, float? Rating, DateTimeOffset OccurredAt);
