using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace RecServices.ServiceDefaults.Tls;

/// <summary>
/// A client's TLS (<see cref="ClientTlsOptions"/>): servers verified against the private CA and the name called
/// (the host of the address), the client certificate offered when asked, both read again when their files change.
/// </summary>
public sealed class ClientTls
{
    private readonly TrustedPeers _servers;
    private readonly WatchedFiles<X509Certificate2>? _certificate;

    private ClientTls(TrustedPeers servers, WatchedFiles<X509Certificate2>? certificate) =>
        (_servers, _certificate) = (servers, certificate);

    /// <summary>Reads the files now: one that does not read stops the start, named.</summary>
    public static ClientTls Create(ClientTlsOptions options, ILogger logger, TimeProvider time)
    {
        var roots = PemCertificates.WatchAuthority(
            options.CaPath,
            new FailureLog(
                logger,
                "the backends' CA " + options.CaPath,
                "servers are checked against the CA read before",
                time
            ),
            time
        );
        WatchedFiles<X509Certificate2>? certificate = null;
        if (options.CertificatePath.Length > 0)
        {
            certificate = PemCertificates.Watch(
                options.CertificatePath,
                options.KeyPath,
                new FailureLog(
                    logger,
                    "the client certificate " + options.CertificatePath,
                    "the certificate read before is sent",
                    time
                ),
                time
            );
        }

        return new ClientTls(new TrustedPeers(roots, string.Empty), certificate);
    }

    /// <summary>The options of an HTTP/2 handler's TLS connections.</summary>
    public SslClientAuthenticationOptions Options() =>
        new()
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            LocalCertificateSelectionCallback = _certificate is null ? null : (_, _, _, _, _) => _certificate.Current,
            // The name called must match (the system checks it); the chain is ours to check, against the private CA.
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                certificate is X509Certificate2 server
                && (
                    errors
                    & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)
                ) == 0
                && _servers.Verifies(server, chain),
        };
}
