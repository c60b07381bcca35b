namespace RecServices.Core.Bundles;

/// <summary>A bundle cannot be read; the message names the file and what is wrong with it.</summary>
public sealed class BundleFormatException : Exception
{
    public BundleFormatException(string file, string problem)
        : base($"{file}: {problem}")
    {
        FileName = file;
    }

    public BundleFormatException()
    {
        FileName = string.Empty;
    }

    public BundleFormatException(string message)
        : base(message)
    {
        FileName = string.Empty;
    }

    public BundleFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
    }

    /// <summary>The bundle file at fault (a name inside the bundle directory).</summary>
    public string FileName { get; }
}
