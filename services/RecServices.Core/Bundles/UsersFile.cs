using RecServices.Core.Data;

namespace RecServices.Core.Bundles;

/// <summary>
/// The users the bundle was trained on, to seed the user store. File <c>users.bin</c>, little-endian:
/// <code>
/// header   8 bytes "RSUSERS\0", int32 version = 1
/// int32 U (0..100,000,000), then U × user
/// user     string id (1..256 chars, unique), string country (..64 chars; empty = unknown),
///          int32 age (-1 = unknown, else 0..150), byte gender (0 unknown, 1 M, 2 F)
/// </code>
/// </summary>
public static class UsersFile
{
    public const string FileName = "users.bin";
    private const string Magic = "RSUSERS\0";
    private const int Version = 1;

    public static void Write(string path, IReadOnlyList<User> users)
    {
        using var w = new TableWriter(path, Magic, Version);
        w.WriteInt(users.Count);
        foreach (var user in users)
        {
            w.WriteString(user.Id);
            w.WriteString(user.Country ?? string.Empty);
            w.WriteInt(user.Age ?? -1);
            w.WriteByte(
                user.Gender switch
                {
                    "M" => 1,
                    "F" => 2,
                    _ => 0,
                }
            );
        }
    }

    public static User[] Read(string path)
    {
        using var r = new TableReader(path, Magic, Version);
        var count = r.ReadInt("user count", 0, 100_000_000);
        var users = new User[count];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var u = 0; u < count; u++)
        {
            var id = r.ReadString($"user {u} id", 256);
            if (id.Length == 0 || !ids.Add(id))
            {
                throw r.Error($"user {u} has an empty or duplicate id '{id}'");
            }

            var country = r.ReadString($"user {u} country", 64);
            var age = r.ReadInt($"user {u} age", -1, 150);
            var gender = r.ReadByte() switch
            {
                0 => null,
                1 => "M",
                2 => "F",
                var g => throw r.Error($"user {u} gender code {g} is not 0, 1 or 2"),
            };
            users[u] = new User(id, country.Length == 0 ? null : country, age < 0 ? null : age, gender);
        }

        r.End();
        return users;
    }
}
