using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RecServices.ServiceDefaults.Tls;

/// <summary>Certificates read from PEM files, with errors that name the file.</summary>
public static class PemCertificates
{
    /// <summary>A certificate with its private key from two PEM files.</summary>
    public static X509Certificate2 ReadCertificate(string certificatePath, string keyPath)
    {
        foreach (var path in new[] { certificatePath, keyPath })
        {
            if (!File.Exists(path))
            {
                throw new InvalidDataException(
                    $"{path}: no such file (a PEM {(path == keyPath ? "private key" : "certificate")})"
                );
            }
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new InvalidDataException(
                $"{certificatePath} with {keyPath}: not a PEM certificate and its private key: {e.Message}",
                e
            );
        }
    }

    /// <summary>Every certificate of a PEM file (a CA bundle).</summary>
    public static X509Certificate2Collection ReadCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: not a PEM file of certificates: {e.Message}", e);
        }

        return certificates.Count > 0
            ? certificates
            : throw new InvalidDataException($"{path}: no CERTIFICATE block in it");
    }

    /// <summary>
    /// A certificate and its key, read now (a file that does not read throws, named) and watched; problems go to
    /// <paramref name="log"/>.
    /// </summary>
    public static WatchedFiles<X509Certificate2> Watch(
        string certificatePath,
        string keyPath,
        FailureLog log,
        TimeProvider time
    ) => new([certificatePath, keyPath], () => ReadCertificate(certificatePath, keyPath), log.Report, time);

    /// <summary>
    /// A CA bundle, read now (a file that does not read throws, named) and watched; problems go to
    /// <paramref name="log"/>.
    /// </summary>
    public static WatchedFiles<X509Certificate2Collection> WatchAuthority(
        string path,
        FailureLog log,
        TimeProvider time
    ) => new([path], () => ReadCertificates(path), log.Report, time);
}
