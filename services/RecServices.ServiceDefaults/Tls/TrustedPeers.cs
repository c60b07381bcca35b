using System.Security.Cryptography.X509Certificates;

namespace RecServices.ServiceDefaults.Tls;

/// <summary>
/// Verifies a peer's certificate against a private CA (not the system's roots): the chain must end at one of
/// <paramref name="roots"/>, and when <paramref name="name"/> is set the certificate must carry it (DNS subject
/// alternative name, IP address, or common name).
/// </summary>
internal sealed class TrustedPeers(WatchedFiles<X509Certificate2Collection> roots, string name)
{
    public bool Verifies(X509Certificate2 certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots.Current);
        // a private CA publishes no revocation lists: rotate instead
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate); // intermediates the peer sent
            }
        }

        return chain.Build(certificate) && (name.Length == 0 || certificate.MatchesHostname(name));
    }
}
