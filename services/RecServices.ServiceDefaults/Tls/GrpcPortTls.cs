using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RecServices.ServiceDefaults.Tls;

/// <summary>
/// The gRPC port's TLS (<see cref="TlsOptions"/>): the server certificate, read again when its files change, and
/// with a client CA, client certificates required and verified against it (and the client's name). TLS 1.2 and 1.3.
/// </summary>
internal sealed class GrpcPortTls
{
    private readonly WatchedFiles<X509Certificate2> _certificate;
    private readonly TrustedPeers? _clients;

    private GrpcPortTls(WatchedFiles<X509Certificate2> certificate, TrustedPeers? clients) =>
        (_certificate, _clients) = (certificate, clients);

    /// <summary>Reads the files now: one that does not read stops the start, named.</summary>
    public static GrpcPortTls Create(TlsOptions options, IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<GrpcPortTls>();
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var certificate = PemCertificates.Watch(
            options.CertificatePath,
            options.KeyPath,
            new FailureLog(
                logger,
                "the gRPC port's certificate " + options.CertificatePath,
                "the certificate read before is served",
                time
            ),
            time
        );
        TrustedPeers? clients = null;
        if (options.ClientCaPath.Length > 0)
        {
            var roots = PemCertificates.WatchAuthority(
                options.ClientCaPath,
                new FailureLog(
                    logger,
                    "the client CA " + options.ClientCaPath,
                    "client certificates are checked against the CA read before",
                    time
                ),
                time
            );
            clients = new TrustedPeers(roots, options.ClientName);
        }

        return new GrpcPortTls(certificate, clients);
    }

    /// <summary>Turns TLS on for <paramref name="listen"/> (HTTP/2 is negotiated by ALPN).</summary>
    public void Apply(ListenOptions listen) =>
        listen.UseHttps(https =>
        {
            https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            https.ServerCertificateSelector = (_, _) => _certificate.Current;
            if (_clients is not null)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                // The system's verdict is ignored: it knows nothing of the private CA. Ours: the CA's chain and the
                // name.
                https.ClientCertificateValidation = (certificate, chain, _) => _clients.Verifies(certificate, chain);
            }
        });
}
