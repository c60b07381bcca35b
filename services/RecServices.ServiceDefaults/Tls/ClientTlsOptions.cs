namespace RecServices.ServiceDefaults.Tls;

/// <summary>
/// TLS towards the services a process calls (the gateway's <c>Recs:BackendTls</c>): the CA their certificates chain
/// to, and the client certificate for mutual TLS. Off until <see cref="CaPath"/> is set. PEM files, read again within
/// 10 s of a change.
/// </summary>
public sealed class ClientTlsOptions
{
    /// <summary>
    /// The CA (PEM) the servers' certificates must chain to (a private CA; the system's roots are not used).
    /// </summary>
    public string CaPath { get; set; } = string.Empty;

    /// <summary>This client's certificate (PEM), sent when the server asks for one; empty: none.</summary>
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>Its private key (PEM).</summary>
    public string KeyPath { get; set; } = string.Empty;

    public bool Enabled => CaPath.Length > 0;

    /// <summary>The problems with these settings, named under <paramref name="section"/>.</summary>
    public IEnumerable<string> Problems(string section)
    {
        if ((CertificatePath.Length > 0) != (KeyPath.Length > 0))
        {
            yield return $"{section}:CertificatePath and {section}:KeyPath go together: the client certificate (PEM) "
                + $"and its private key";
        }

        if (!Enabled && CertificatePath.Length > 0)
        {
            yield return $"{section}:CertificatePath needs {section}:CaPath: the CA the servers' certificates chain to";
        }
    }
}
