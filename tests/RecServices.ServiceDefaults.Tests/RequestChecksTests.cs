using Grpc.Core;
using RecServices.GrpcHardening;

namespace RecServices.ServiceDefaults.Tests;

/// <summary>
/// The request checks every service shares: what passes, and for what fails, INVALID_ARGUMENT with a message that
/// names the field and says what to send.
/// </summary>
public sealed class RequestChecksTests
{
    [Fact]
    public void ValidValues_Pass()
    {
        RequestChecks.Id("u1", "user_id");
        RequestChecks.Id(new string('x', RequestChecks.MaxIdLength), "user_id");
        RequestChecks.Ids(["i1", "i2"], "candidate_item_ids");
        RequestChecks.Count(0, 100, "count", "0 means the default");
        RequestChecks.Count(100, 100, "count", "0 means the default");
        RequestChecks.IdsOrIndexes(3, 0, "ids", "indexes", string.Empty);
        RequestChecks.IdsOrIndexes(0, 3, "ids", "indexes", "v1");
        RequestChecks.Indexes([0, 9], 10, "indexes", "v1");
        RequestChecks.Text(string.Empty, "country", 64);
        RequestChecks.Profile(0, string.Empty);
        RequestChecks.Profile(150, "F");
    }

    public static TheoryData<Action, string, string> Refusals =>
        new()
        {
            {
                () => RequestChecks.Id(string.Empty, "user_id"),
                "user_id must be 1 to 256 characters; got an empty value",
                "user_id"
            },
            {
                () => RequestChecks.Id(new string('x', 257), "user_id"),
                "user_id must be 1 to 256 characters; got 257 characters",
                "user_id"
            },
            {
                () => RequestChecks.Ids(["i1", string.Empty], "candidate_item_ids"),
                "candidate_item_ids[1] must be 1 to 256 characters",
                "candidate_item_ids[1]"
            },
            {
                () =>
                    RequestChecks.Ids(
                        Enumerable.Repeat("i", RequestChecks.MaxListLength + 1).ToList(),
                        "excluded_item_ids"
                    ),
                "excluded_item_ids may hold at most 10000 entries; got 10001",
                "excluded_item_ids"
            },
            {
                () => RequestChecks.Count(-1, 100, "count", "0 means the default (10)"),
                "count must be between 0 and 100 (0 means the default (10)); got -1",
                "count"
            },
            { () => RequestChecks.Count(101, 100, "count", "0 means the default"), "got 101", "count" },
            {
                () => RequestChecks.IdsOrIndexes(1, 1, "history_item_ids", "history_item_indexes", "v1"),
                "send history_item_ids or history_item_indexes, not both",
                "history_item_indexes"
            },
            {
                () => RequestChecks.IdsOrIndexes(0, 2, "history_item_ids", "history_item_indexes", string.Empty),
                "history_item_indexes needs bundle_version",
                "bundle_version"
            },
            {
                () => RequestChecks.Indexes([0, 10], 10, "candidate_item_indexes", "v1"),
                "candidate_item_indexes[1] = 10 is outside the item table of bundle v1 (0 to 9); send "
                    + "indexes of that version, or ids",
                "candidate_item_indexes[1]"
            },
            {
                () => RequestChecks.Indexes([-1], 10, "candidate_item_indexes", "v1"),
                "candidate_item_indexes[0] = -1 is outside",
                "candidate_item_indexes[0]"
            },
            {
                () => RequestChecks.Text(new string('x', 65), "country", 64),
                "country must be at most 64 characters; got 65",
                "country"
            },
            {
                () => RequestChecks.Profile(151, string.Empty),
                "age must be between 0 and 150 (0 = unknown); got 151",
                "age"
            },
            { () => RequestChecks.Profile(30, "X"), "gender must be \"M\", \"F\" or empty; got \"X\"", "gender" },
        };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void BadValues_AreInvalidArgument_NamingTheFieldAndWhatToSend(Action check, string message, string field)
    {
        var e = Assert.Throws<RpcException>(check);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
        // the same for a client that reads google.rpc details: one field violation naming the field's path
        var violation = Assert.Single(e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations);
        Assert.Equal(field, violation.Field);
        Assert.Equal(e.Status.Detail, violation.Description);
    }
}
