using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace RecServices.Testing;

/// <summary>
/// A private CA made for a test, with the certificates the system needs as PEM files: the services' (for localhost and
/// 127.0.0.1), the gateway's client certificate (name "gateway"), one of another name from the same CA, and one from
/// another CA. Makes TLS channels that trust the CA.
/// </summary>
public sealed class TestTls : IDisposable
{
    public const string GatewayName = "gateway";

    private readonly string _directory = Directory.CreateTempSubdirectory("recs-tls-").FullName;
    private readonly X509Certificate2 _ca;

    public TestTls()
    {
        _ca = Authority("RecServices test CA");
        CaPath = Write("ca.crt", _ca.ExportCertificatePem());
        (ServerCertificatePath, ServerKeyPath) = Issue(_ca, "server", ["localhost"], [IPAddress.Loopback]);
        (GatewayCertificatePath, GatewayKeyPath) = Issue(_ca, GatewayName, [GatewayName], []);
        Gateway = X509Certificate2.CreateFromPemFile(GatewayCertificatePath, GatewayKeyPath);
        var (otherPath, otherKey) = Issue(_ca, "intruder", ["intruder"], []);
        OtherName = X509Certificate2.CreateFromPemFile(otherPath, otherKey);
        using var foreignCa = Authority("another CA");
        OtherCaPath = Write("other-ca.crt", foreignCa.ExportCertificatePem());
        var (foreignPath, foreignKey) = Issue(foreignCa, "gateway-from-another-ca", [GatewayName], []);
        OtherCa = X509Certificate2.CreateFromPemFile(foreignPath, foreignKey);
    }

    public string CaPath { get; }

    /// <summary>Another CA's certificate (PEM), which signed none of the services' certificates.</summary>
    public string OtherCaPath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    public string GatewayCertificatePath { get; }

    public string GatewayKeyPath { get; }

    /// <summary>The gateway's client certificate.</summary>
    public X509Certificate2 Gateway { get; }

    /// <summary>Signed by the CA, for another name than the gateway's.</summary>
    public X509Certificate2 OtherName { get; }

    /// <summary>For the gateway's name, signed by another CA.</summary>
    public X509Certificate2 OtherCa { get; }

    /// <summary>
    /// Retrieval's and ranking's settings: TLS, client certificates from the CA, the gateway's name only.
    /// </summary>
    public string[] BackendArgs =>
        [
            $"--Recs:Tls:CertificatePath={ServerCertificatePath}",
            $"--Recs:Tls:KeyPath={ServerKeyPath}",
            $"--Recs:Tls:ClientCaPath={CaPath}",
            $"--Recs:Tls:ClientName={GatewayName}",
        ];

    /// <summary>The gateway's settings: TLS on its own port, and mutual TLS towards the backends.</summary>
    public string[] GatewayArgs =>
        [
            $"--Recs:Tls:CertificatePath={ServerCertificatePath}",
            $"--Recs:Tls:KeyPath={ServerKeyPath}",
            $"--Recs:BackendTls:CaPath={CaPath}",
            $"--Recs:BackendTls:CertificatePath={GatewayCertificatePath}",
            $"--Recs:BackendTls:KeyPath={GatewayKeyPath}",
        ];

    /// <summary>
    /// A channel to https://127.0.0.1:port that trusts the CA and sends <paramref name="client"/> when asked.
    /// </summary>
    public GrpcChannel Channel(int port, X509Certificate2? client)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = client is null ? null : new X509CertificateCollection { client },
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(_ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
                        && chain.Build((X509Certificate2)certificate!);
                },
            },
        };
        return GrpcChannel.ForAddress(
            $"https://127.0.0.1:{port}",
            new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true }
        );
    }

    public void Dispose()
    {
        foreach (var certificate in new[] { _ca, Gateway, OtherName, OtherCa })
        {
            certificate.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true)
        );
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private (string Certificate, string Key) Issue(
        X509Certificate2 ca,
        string name,
        string[] dnsNames,
        IPAddress[] addresses
    )
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
        {
            names.AddDnsName(dns);
        }

        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(
            new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)
        );
        using var certificate = request.Create(
            ca,
            DateTimeOffset.UtcNow.AddDays(-1),
            DateTimeOffset.UtcNow.AddDays(10),
            RandomNumberGenerator.GetBytes(16)
        );
        var file = name.Replace(' ', '-');
        return (
            Write(file + ".crt", certificate.ExportCertificatePem()),
            Write(file + ".key", key.ExportPkcs8PrivateKeyPem())
        );
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
