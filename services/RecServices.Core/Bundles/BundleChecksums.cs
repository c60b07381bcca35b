using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RecServices.Core.Bundles;

/// <summary>
/// SHA-256 of bundle files and the manifest's self-checksum (see <see cref="BundleManifest.ManifestSha256"/>).
/// </summary>
public static class BundleChecksums
{
    private static readonly string Zeros = new('0', 64);

    public static string OfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Serialises the manifest with its self-checksum filled in.</summary>
    public static string SerializeManifest(BundleManifest manifest)
    {
        var draft = JsonSerializer.Serialize(manifest with { ManifestSha256 = Zeros }, BundleJson.Options);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(draft)));
        return ReplaceChecksum(draft, Zeros, hash);
    }

    /// <summary>True when the manifest text's self-checksum matches its content.</summary>
    public static bool ManifestIsIntact(string text, string claimed)
    {
        if (claimed.Length != 64 || text.Split(claimed).Length != 2)
        {
            return false;
        }

        var draft = ReplaceChecksum(text, claimed, Zeros);
        return string.Equals(
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(draft))),
            claimed,
            StringComparison.Ordinal
        );
    }

    private static string ReplaceChecksum(string text, string from, string to) =>
        text.Replace($"\"manifestSha256\": \"{from}\"", $"\"manifestSha256\": \"{to}\"", StringComparison.Ordinal);
}
