namespace RecServices.Core.Bundles;

/// <summary>One file of a bundle with its size and SHA-256 (lower-case hex).</summary>
public sealed record BundleFile(string Name, long Bytes, string Sha256);
