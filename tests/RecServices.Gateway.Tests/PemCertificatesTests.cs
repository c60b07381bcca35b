using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RecServices.ServiceDefaults.Tls;

namespace RecServices.Gateway.Tests;

/// <summary>
/// Certificate files that do not read are named in the error (what stops a start, or is logged on a rotation).
/// </summary>
public sealed class PemCertificatesTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void ReadCertificate_PairOfPemFiles_HasItsPrivateKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var made = new CertificateRequest("CN=server", key, HashAlgorithmName.SHA256).CreateSelfSigned(
            DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddDays(1)
        );
        var certificatePath = _directory.Write("tls.crt", made.ExportCertificatePem());
        var keyPath = _directory.Write("tls.key", key.ExportPkcs8PrivateKeyPem());

        using var certificate = PemCertificates.ReadCertificate(certificatePath, keyPath);

        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(made.Thumbprint, certificate.Thumbprint);
    }

    [Fact]
    public void ReadCertificate_KeyOfAnotherCertificate_NamesBothFiles()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var made = new CertificateRequest("CN=server", key, HashAlgorithmName.SHA256).CreateSelfSigned(
            DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddDays(1)
        );
        var certificatePath = _directory.Write("tls.crt", made.ExportCertificatePem());
        var keyPath = _directory.Write("tls.key", other.ExportPkcs8PrivateKeyPem());

        var e = Assert.Throws<InvalidDataException>(() => PemCertificates.ReadCertificate(certificatePath, keyPath));

        Assert.StartsWith($"{certificatePath} with {keyPath}: not a PEM certificate and its private key", e.Message);
    }

    [Fact]
    public void ReadCertificate_MissingKey_NamesIt()
    {
        var certificatePath = _directory.Write("tls.crt", "x");
        var keyPath = Path.Combine(_directory.Path, "absent.key");

        var e = Assert.Throws<InvalidDataException>(() => PemCertificates.ReadCertificate(certificatePath, keyPath));

        Assert.Equal($"{keyPath}: no such file (a PEM private key)", e.Message);
    }

    [Fact]
    public void ReadCertificates_FileWithoutCertificates_NamesIt()
    {
        var path = _directory.Write("ca.crt", "nothing here\n");

        var e = Assert.Throws<InvalidDataException>(() => PemCertificates.ReadCertificates(path));

        Assert.Equal($"{path}: no CERTIFICATE block in it", e.Message);
    }

    public void Dispose() => _directory.Dispose();
}
