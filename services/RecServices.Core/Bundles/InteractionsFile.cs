using RecServices.Core.Data;

namespace RecServices.Core.Bundles;

/// <summary>
/// The training interactions, to seed the user store's histories. File <c>interactions.bin</c>, little-endian:
/// <code>
/// header   8 bytes "RSINTRCT", int32 version = 1
/// int32 U (user count, must equal users.bin's), int32 N (item count, must equal the catalog's), int32 R (rows)
/// R × row  int32 user (&lt; U), int32 item (&lt; N), float32 rating (finite), int64 unix seconds, byte kind (1..3)
/// </code>
/// </summary>
public static class InteractionsFile
{
    public const string FileName = "interactions.bin";
    private const string Magic = "RSINTRCT";
    private const int Version = 1;

    public static void Write(string path, InteractionTable rows, int userCount, int itemCount)
    {
        using var w = new TableWriter(path, Magic, Version);
        w.WriteInt(userCount);
        w.WriteInt(itemCount);
        w.WriteInt(rows.Count);
        for (var row = 0; row < rows.Count; row++)
        {
            w.WriteInt(rows.Users[row]);
            w.WriteInt(rows.Items[row]);
            w.WriteFloat(rows.Ratings[row]);
            w.WriteLong(rows.Timestamps[row]);
            w.WriteByte((byte)rows.Kinds[row]);
        }
    }

    public static InteractionTable Read(string path, int userCount, int itemCount)
    {
        using var r = new TableReader(path, Magic, Version);
        r.ReadInt("user count", userCount, userCount);
        r.ReadInt("item count", itemCount, itemCount);
        var count = r.ReadInt("row count", 0, int.MaxValue);
        var rows = new InteractionTable(count);
        for (var row = 0; row < count; row++)
        {
            var user = r.ReadInt($"row {row} user", 0, userCount - 1);
            var item = r.ReadInt($"row {row} item", 0, itemCount - 1);
            var rating = r.ReadFloat($"row {row} rating");
            var time = r.ReadLong($"row {row} timestamp");
            var kind = r.ReadByte();
            if (kind is < 1 or > 3)
            {
                throw r.Error($"row {row} kind {kind} is not 1 (watched), 2 (purchased) or 3 (rated)");
            }

            rows.Add(user, item, rating, time, (InteractionKind)kind);
        }

        r.End();
        return rows;
    }
}
