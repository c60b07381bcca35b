using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using RecServices.ServiceDefaults.Tls;

namespace RecServices.Gateway.Auth;

/// <summary>
/// The public keys that sign callers' tokens, read from a file: PEM blocks (PUBLIC KEY with an RSA or EC key, or
/// CERTIFICATE) or a JSON Web Key Set. Watched as the TLS files are (<see cref="WatchedFiles{T}"/>): read again when it
/// changes (a rotated Kubernetes Secret), the keys before kept while it does not read.
/// </summary>
public static class SigningKeys
{
    /// <summary>How often the file's time is looked at.</summary>
    public static TimeSpan RecheckInterval => WatchedFiles<IReadOnlyList<SecurityKey>>.RecheckInterval;

    /// <summary>
    /// Reads the file now (throws <see cref="InvalidDataException"/> naming the file and line) and watches it.
    /// </summary>
    public static WatchedFiles<IReadOnlyList<SecurityKey>> Open(
        string path,
        Action<string?> problem,
        TimeProvider time
    ) => new([path], () => Read(path), problem, time);

    /// <summary>
    /// Every key in the file; an error naming the file and the line of the first block that does not read.
    /// </summary>
    public static IReadOnlyList<SecurityKey> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: the signing keys cannot be read: {e.Message}", e);
        }

        var keys = text.TrimStart().StartsWith('{') ? FromJwks(path, text) : FromPem(path, text);
        return keys.Count > 0
            ? keys
            : throw new InvalidDataException(
                $"{path}: no signing key in it (expected PEM blocks 'PUBLIC KEY' or 'CERTIFICATE', or a "
                    + $"JSON Web Key Set)"
            );
    }

    /// <summary>
    /// The keys a token may be checked with: the one its <paramref name="kid"/> names (none when no key has that id),
    /// or, for a token without a kid, the keys without one (PEM keys).
    /// </summary>
    public static IEnumerable<SecurityKey> Named(IReadOnlyList<SecurityKey> keys, string? kid) =>
        string.IsNullOrEmpty(kid)
            ? keys.Where(k => string.IsNullOrEmpty(k.KeyId))
            : keys.Where(k => string.Equals(k.KeyId, kid, StringComparison.Ordinal));

    /// <summary>Whether <paramref name="key"/> is a public key (RSA, EC or a certificate's), never a shared secret.</summary>
    public static bool IsAsymmetric(SecurityKey key) =>
        key is AsymmetricSecurityKey
        || key is JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve };

    private static List<SecurityKey> FromPem(string path, string text)
    {
        var keys = new List<SecurityKey>();
        var rest = text.AsMemory();
        var offset = 0;
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var line = 1 + text.AsSpan(0, offset + fields.Location.Start.Value).Count('\n');
            var label = rest.Span[fields.Label].ToString();
            var der = Convert.FromBase64String(rest.Span[fields.Base64Data].ToString());
            try
            {
                keys.Add(
                    label switch
                    {
                        "PUBLIC KEY" => PublicKey(der),
                        "CERTIFICATE" => new X509SecurityKey(X509CertificateLoader.LoadCertificate(der)),
                        _ => throw new InvalidDataException(
                            $"a '{label}' block; only PUBLIC KEY and CERTIFICATE blocks belong here "
                                + $"(never a private key)"
                        ),
                    }
                );
            }
            catch (Exception e) when (e is CryptographicException or InvalidDataException)
            {
                throw new InvalidDataException(
                    $"{path}, line {line}: the block does not hold a public key: {e.Message}",
                    e
                );
            }

            offset += fields.Location.End.Value;
            rest = rest[fields.Location.End.Value..];
        }

        if (keys.Count == 0 && text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            var line = 1 + text.AsSpan(0, text.IndexOf("-----BEGIN", StringComparison.Ordinal)).Count('\n');
            throw new InvalidDataException(
                $"{path}, line {line}: a PEM block that does not parse (its BEGIN and END lines must "
                    + $"match and hold base64)"
            );
        }

        return keys;
    }

    private static SecurityKey PublicKey(byte[] der)
    {
        try
        {
            var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(der, out _);
            return new RsaSecurityKey(rsa);
        }
        catch (CryptographicException)
        {
            var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(der, out _);
            return new ECDsaSecurityKey(ec);
        }
    }

    private static List<SecurityKey> FromJwks(string path, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text); // reports the line of a syntax error
            var set = new JsonWebKeySet(text);
            if (
                set.Keys.FirstOrDefault(k =>
                    k.Kty is not (JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve)
                ) is
                { } other
            )
            {
                var at = text.IndexOf($"\"{other.Kty}\"", StringComparison.Ordinal);
                var line = at < 0 ? 1 : 1 + text.AsSpan(0, at).Count('\n');
                throw new InvalidDataException(
                    $"{path}, line {line}: a key of type '{other.Kty}'{(other.Kid is null ? "" : $" (kid {other.Kid})")}: "
                        + "only RSA and EC public keys belong here (a shared secret would let anyone holding it "
                        + "sign tokens)"
                );
            }

            return [.. set.GetSigningKeys()];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}, line {e.LineNumber + 1}: not a JSON Web Key Set: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}, line 1: not a JSON Web Key Set: {e.Message}", e);
        }
    }
}
