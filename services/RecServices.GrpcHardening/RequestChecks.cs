using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace RecServices.GrpcHardening;

/// <summary>
/// Request validation shared by the services: INVALID_ARGUMENT naming the field and saying what is allowed, with a
/// <c>google.rpc.BadRequest</c> field violation in the details.
/// </summary>
public static class RequestChecks
{
    public const int MaxIdLength = 256;
    public const int MaxListLength = 10_000;

    public static void Count(int value, int max, string field, string zeroMeaning)
    {
        if (value < 0 || value > max)
        {
            throw Invalid(field, $"{field} must be between 0 and {max} ({zeroMeaning}); got {value}");
        }
    }

    /// <summary>A required id: 1 to 256 characters.</summary>
    public static void Id(string value, string field)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxIdLength)
        {
            throw Invalid(
                field,
                $"{field} must be 1 to {MaxIdLength} characters; got "
                    + $"{(string.IsNullOrEmpty(value) ? "an empty value" : value.Length + " characters")}"
            );
        }
    }

    /// <summary>A list of ids: at most 10,000 entries of 1 to 256 characters each.</summary>
    public static void Ids(IReadOnlyCollection<string> values, string field)
    {
        if (values.Count > MaxListLength)
        {
            throw Invalid(field, $"{field} may hold at most {MaxListLength} entries; got {values.Count}");
        }

        var i = 0;
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value) || value.Length > MaxIdLength)
            {
                Id(value, $"{field}[{i}]"); // throws, naming the entry
            }

            i++;
        }
    }

    /// <summary>
    /// A list sent either as ids or as item indexes, not both; indexes (positions in one bundle's item table) only
    /// with the version they belong to.
    /// </summary>
    public static void IdsOrIndexes(int ids, int indexes, string idsField, string indexesField, string bundleVersion)
    {
        if (ids > 0 && indexes > 0)
        {
            throw Invalid(indexesField, $"send {idsField} or {indexesField}, not both");
        }

        if (indexes > 0 && bundleVersion.Length == 0)
        {
            throw Invalid(
                "bundle_version",
                $"{indexesField} needs bundle_version: indexes are positions in one bundle's item table, "
                    + $"so send the version they come from, or send {idsField}"
            );
        }
    }

    /// <summary>
    /// Item indexes: at most 10,000, each a position in an item table of <paramref name="items"/> items.
    /// </summary>
    public static void Indexes(IReadOnlyList<int> values, int items, string field, string bundleVersion)
    {
        if (values.Count > MaxListLength)
        {
            throw Invalid(field, $"{field} may hold at most {MaxListLength} entries; got {values.Count}");
        }

        for (var i = 0; i < values.Count; i++)
        {
            if ((uint)values[i] >= (uint)items)
            {
                throw Invalid(
                    $"{field}[{i}]",
                    $"{field}[{i}] = {values[i]} is outside the item table of bundle {bundleVersion} (0 "
                        + $"to {items - 1}); send indexes of that version, or ids"
                );
            }
        }
    }

    /// <summary>An optional text of at most <paramref name="max"/> characters.</summary>
    public static void Text(string value, string field, int max)
    {
        if (value.Length > max)
        {
            throw Invalid(field, $"{field} must be at most {max} characters; got {value.Length}");
        }
    }

    /// <summary>
    /// The user tower's profile fields of a request: age 0 (unknown) to 150, gender "M", "F" or empty.
    /// </summary>
    public static void Profile(int age, string gender)
    {
        if (age is < 0 or > 150)
        {
            throw Invalid("age", $"age must be between 0 and 150 (0 = unknown); got {age}");
        }

        if (gender is not ("" or "M" or "F"))
        {
            throw Invalid("gender", $"gender must be \"M\", \"F\" or empty; got \"{gender}\"");
        }
    }

    /// <summary>
    /// INVALID_ARGUMENT: <paramref name="message"/> says what is wrong and how to fix the call; the details carry a
    /// <c>google.rpc.BadRequest</c> with one field violation (the request field's path, e.g. <c>user_id</c> or
    /// <c>candidate_item_ids[3]</c>) that a client can read without parsing the text.
    /// </summary>
    public static RpcException Invalid(string field, string message) =>
        new Google.Rpc.Status
        {
            Code = (int)StatusCode.InvalidArgument,
            Message = message,
            Details =
            {
                Any.Pack(
                    new Google.Rpc.BadRequest
                    {
                        FieldViolations =
                        {
                            new Google.Rpc.BadRequest.Types.FieldViolation { Field = field, Description = message },
                        },
                    }
                ),
            },
        }.ToRpcException();

    /// <summary>
    /// Throws DEADLINE_EXCEEDED when the call's deadline has passed (or its caller went away) before the work starts:
    /// a backend under load must not spend itself on answers nobody waits for.
    /// </summary>
    public static void StillWanted(ServerCallContext context, TimeProvider time)
    {
        if (context.CancellationToken.IsCancellationRequested || context.Deadline <= time.GetUtcNow().UtcDateTime)
        {
            throw new RpcException(
                new Status(
                    StatusCode.DeadlineExceeded,
                    "the call's deadline passed before it was served: nothing was computed"
                )
            );
        }
    }
}
