using System.Globalization;
using RecServices.Contracts.Gateway.V1;
using RecServices.GrpcHardening;
using RecServices.Users;

namespace RecServices.Gateway.Services;

/// <summary>A RecordInteraction request checked field by field and mapped to the store's interaction.</summary>
internal static class InteractionRequest
{
    /// <summary>
    /// How far past the server's clock an occurred_at may be (clients' clocks drift; the future would pin an item
    /// as the most recent).
    /// </summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The interaction <paramref name="request"/> asks to record (its user id checked by the caller), at
    /// <paramref name="now"/> when it gives no time, under a new event id when it gives none; INVALID_ARGUMENT
    /// naming the field otherwise.
    /// </summary>
    public static NewInteraction Checked(RecordInteractionRequest request, DateTimeOffset now)
    {
        RequestChecks.Id(request.ItemId, "item_id");
        var kind = Kind(request);
        var occurred = Occurred(request, now);
        var eventId = request.EventId;
        if (eventId.Length == 0)
        {
            eventId = Guid.CreateVersion7().ToString("N"); // a new event: a retry of this call may record it again
        }
        else
        {
            RequestChecks.Id(eventId, "event_id");
        }

        var rating = kind == Core.Data.InteractionKind.Rated ? request.Rating : (float?)null;
        return new NewInteraction(request.UserId, request.ItemId, kind, rating, occurred, eventId);
    }

    private static Core.Data.InteractionKind Kind(RecordInteractionRequest request)
    {
        var kind = request.Kind switch
        {
            Contracts.Gateway.V1.InteractionKind.Watched => Core.Data.InteractionKind.Watched,
            Contracts.Gateway.V1.InteractionKind.Purchased => Core.Data.InteractionKind.Purchased,
            Contracts.Gateway.V1.InteractionKind.Rated => Core.Data.InteractionKind.Rated,
            _ => throw RequestChecks.Invalid(
                "kind",
                "kind must be INTERACTION_KIND_WATCHED, INTERACTION_KIND_PURCHASED or INTERACTION_KIND_RATED"
            ),
        };
        if (
            kind == Core.Data.InteractionKind.Rated
            && (!float.IsFinite(request.Rating) || request.Rating is < 0.5f or > 5f)
        )
        {
            throw RequestChecks.Invalid("rating", "rating must be set between 0.5 and 5 for INTERACTION_KIND_RATED");
        }

        return kind;
    }

    private static DateTimeOffset Occurred(RecordInteractionRequest request, DateTimeOffset now)
    {
        if (request.OccurredAt is null)
        {
            return now;
        }

        if (request.OccurredAt.Seconds is < 0 or > 253402300799 || request.OccurredAt.Nanos is < 0 or > 999_999_999)
        {
            throw RequestChecks.Invalid(
                "occurred_at",
                "occurred_at must be a valid timestamp after 1970-01-01T00:00:00Z"
            );
        }

        var occurred = request.OccurredAt.ToDateTimeOffset();
        if (occurred > now + MaxClockSkew)
        {
            throw RequestChecks.Invalid(
                "occurred_at",
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"occurred_at {occurred:O} is more than {MaxClockSkew.TotalMinutes:F0} minutes "
                        + $"after the server's clock ({now:O}); send when it happened, in UTC, or leave it "
                        + $"unset for the server's clock"
                )
            );
        }

        return occurred;
    }
}
