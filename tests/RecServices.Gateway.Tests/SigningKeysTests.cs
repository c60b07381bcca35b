using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;
using RecServices.Gateway.Auth;

namespace RecServices.Gateway.Tests;

/// <summary>
/// The signing-keys file: PEM public keys and certificates or a JWKS; a bad file named with its line; a rotated file
/// read again.
/// </summary>
public sealed class SigningKeysTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void Read_PemWithRsaEcAndCertificate_GivesEveryKey()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest(
            "CN=issuer",
            RSA.Create(2048),
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1
        ).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = _directory.Write(
            "keys.pem",
            rsa.ExportSubjectPublicKeyInfoPem()
                + "\n"
                + ec.ExportSubjectPublicKeyInfoPem()
                + "\n"
                + certificate.ExportCertificatePem()
        );

        var keys = SigningKeys.Read(path);

        Assert.Collection(
            keys,
            k => Assert.IsType<RsaSecurityKey>(k),
            k => Assert.IsType<ECDsaSecurityKey>(k),
            k => Assert.IsType<X509SecurityKey>(k)
        );
    }

    [Fact]
    public void Read_Jwks_GivesItsSigningKeys()
    {
        using var rsa = RSA.Create(2048);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(
            new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "k1" }
        );
        var path = _directory.Write(
            "keys.json",
            $$"""{"keys":[{"kty":"RSA","use":"sig","kid":"k1","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}"""
        );

        var key = Assert.Single(SigningKeys.Read(path));

        Assert.Equal("k1", key.KeyId);
    }

    [Fact]
    public void Read_JwksWithASharedSecret_IsRefusedNamingFileAndLine()
    {
        using var rsa = RSA.Create(2048);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)));
        var path = _directory.Write(
            "keys.json",
            "{\"keys\":[\n"
                + $$"""{"kty":"RSA","kid":"k1","n":"{{jwk.N}}","e":"{{jwk.E}}"},"""
                + "\n"
                + """{"kty":"oct","kid":"hmac","k":"c2VjcmV0LXNoYXJlZC13aXRoLWV2ZXJ5b25l"}"""
                + "\n]}"
        );

        var e = Assert.Throws<InvalidDataException>(() => SigningKeys.Read(path));

        Assert.StartsWith($"{path}, line 3: a key of type 'oct' (kid hmac)", e.Message);
    }

    [Fact]
    public void Named_TheKeyTheTokensKidNames_OrWithoutAKidTheKeysWithout()
    {
        var (a, b, pem) = (
            new RsaSecurityKey(RSA.Create(2048)) { KeyId = "a" },
            new RsaSecurityKey(RSA.Create(2048)) { KeyId = "b" },
            new RsaSecurityKey(RSA.Create(2048))
        );
        SecurityKey[] keys = [a, b, pem];

        Assert.Equal([b], SigningKeys.Named(keys, "b"));
        Assert.Empty(SigningKeys.Named(keys, "c"));
        Assert.Equal([pem], SigningKeys.Named(keys, null));
        Assert.False(SigningKeys.IsAsymmetric(new SymmetricSecurityKey(new byte[32])));
        Assert.True(SigningKeys.IsAsymmetric(a));
    }

    [Fact]
    public void Read_PrivateKeyBlock_IsRefusedNamingFileAndLine()
    {
        using var rsa = RSA.Create(2048);
        var path = _directory.Write(
            "keys.pem",
            rsa.ExportSubjectPublicKeyInfoPem() + "\n\n" + rsa.ExportPkcs8PrivateKeyPem()
        );

        var e = Assert.Throws<InvalidDataException>(() => SigningKeys.Read(path));

        Assert.StartsWith(
            $"{path}, line 11: the block does not hold a public key: a 'PRIVATE KEY' block; only PUBLIC "
                + $"KEY and CERTIFICATE blocks belong here",
            e.Message
        );
    }

    [Theory]
    [InlineData("{\"keys\": [\n  {\"kty\": \"RSA\",\n  oops\n]}", ", line 3: not a JSON Web Key Set")]
    [InlineData(
        "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n",
        ", line 1: a PEM block that does not parse"
    )]
    [InlineData("just some text\n", ": no signing key in it")]
    public void Read_BadFile_SaysWhereAndWhat(string content, string message)
    {
        var path = _directory.Write("keys", content);

        var e = Assert.Throws<InvalidDataException>(() => SigningKeys.Read(path));

        Assert.StartsWith(path + message, e.Message);
    }

    [Fact]
    public void Read_MissingFile_NamesIt()
    {
        var path = Path.Combine(_directory.Path, "absent.pem");

        var e = Assert.Throws<InvalidDataException>(() => SigningKeys.Read(path));

        Assert.StartsWith($"{path}: the signing keys cannot be read", e.Message);
    }

    [Fact]
    public void Current_FileRotated_IsReadAgainAfterTheRecheckInterval_AndABadFileKeepsTheKeysBefore()
    {
        using var first = RSA.Create(2048);
        using var second = RSA.Create(2048);
        var path = _directory.Write("keys.pem", first.ExportSubjectPublicKeyInfoPem());
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var problems = new List<string?>();
        var keys = SigningKeys.Open(path, problems.Add, time);
        static string Modulus(SecurityKey k) =>
            Convert.ToBase64String(((RsaSecurityKey)k).Rsa.ExportParameters(false).Modulus!);

        Rewrite(path, second.ExportSubjectPublicKeyInfoPem());
        var beforeInterval = keys.Current;
        time.Advance(SigningKeys.RecheckInterval);
        var rotated = keys.Current;
        Rewrite(path, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        time.Advance(SigningKeys.RecheckInterval);
        var afterBadWrite = keys.Current;

        Assert.Equal(
            Convert.ToBase64String(first.ExportParameters(false).Modulus!),
            Modulus(Assert.Single(beforeInterval))
        );
        Assert.Equal(Convert.ToBase64String(second.ExportParameters(false).Modulus!), Modulus(Assert.Single(rotated)));
        Assert.Same(rotated, afterBadWrite);
        Assert.Null(problems[0]);
        Assert.StartsWith(path + ", line 1: the block does not hold a public key", problems[1]);
    }

    /// <summary>Writes the file with a later modification time (as a rotated Secret's new file has).</summary>
    private static void Rewrite(string path, string content)
    {
        var before = File.GetLastWriteTimeUtc(path);
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, before.AddSeconds(1));
    }

    public void Dispose() => _directory.Dispose();
}
