namespace RecServices.ServiceDefaults.Tls;

/// <summary>
/// TLS on the gRPC port (section <c>Recs:Tls</c>): off (cleartext h2c, for local runs) until a certificate is given.
/// With <see cref="ClientCaPath"/> the port asks every client for a certificate signed by that CA (mutual TLS), and
/// with <see cref="ClientName"/> only the client whose certificate carries that name is let in (retrieval and ranking:
/// the gateway's). The HTTP/1.1 port of /healthz and /metrics stays cleartext. Files are PEM (a Kubernetes Secret of
/// type kubernetes.io/tls mounted as files: tls.crt, tls.key, ca.crt) and are read again within 10 s of a change.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>The server's certificate (PEM, the chain after it may follow).</summary>
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>The certificate's private key (PEM: PKCS#8, RSA or EC).</summary>
    public string KeyPath { get; set; } = string.Empty;

    /// <summary>
    /// The CA (PEM, one or more certificates) client certificates must chain to; empty: no client certificate
    /// asked.
    /// </summary>
    public string ClientCaPath { get; set; } = string.Empty;

    /// <summary>
    /// The DNS name (subject alternative name, or common name) a client certificate must carry; empty: any the CA
    /// signed.
    /// </summary>
    public string ClientName { get; set; } = string.Empty;

    /// <summary>Whether the gRPC port serves TLS.</summary>
    public bool Enabled => CertificatePath.Length > 0 || KeyPath.Length > 0;

    /// <summary>
    /// The problems with these settings (paths are read at start, and name the file that does not read).
    /// </summary>
    public IEnumerable<string> Problems()
    {
        if ((CertificatePath.Length > 0) != (KeyPath.Length > 0))
        {
            yield return "Recs:Tls:CertificatePath and Recs:Tls:KeyPath go together: the PEM certificate of the gRPC "
                + "port and its private key";
        }

        if (!Enabled && ClientCaPath.Length > 0)
        {
            yield return "Recs:Tls:ClientCaPath needs Recs:Tls:CertificatePath and KeyPath: client certificates are "
                + "asked for over TLS only";
        }

        if (ClientName.Length > 0 && ClientCaPath.Length == 0)
        {
            yield return "Recs:Tls:ClientName needs Recs:Tls:ClientCaPath: the CA that signs the client certificates";
        }
    }
}
