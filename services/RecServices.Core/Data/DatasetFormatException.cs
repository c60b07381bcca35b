namespace RecServices.Core.Data;

/// <summary>A dataset file is malformed; the message names the file and, where there is one, the line.</summary>
public sealed class DatasetFormatException : Exception
{
    public DatasetFormatException(string file, long line, string problem)
        : base(line > 0 ? $"{file}:{line}: {problem}" : $"{file}: {problem}")
    {
        FilePath = file;
        Line = line;
    }

    /// <summary>A problem at a place that is not a line: "row group 2, row 17, column 'rating'" in a Parquet file.</summary>
    public DatasetFormatException(string file, string location, long line, string problem)
        : base($"{file}: {location}: {problem}")
    {
        FilePath = file;
        Line = line;
    }

    public DatasetFormatException()
    {
        FilePath = string.Empty;
    }

    public DatasetFormatException(string message)
        : base(message)
    {
        FilePath = string.Empty;
    }

    public DatasetFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
    }

    /// <summary>The offending file.</summary>
    public string FilePath { get; }

    /// <summary>1-based line number, or 0 when the problem is not on one line.</summary>
    public long Line { get; }
}
