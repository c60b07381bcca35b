namespace RecServices.Datasets;

/// <summary>What a table column holds, as its file declares it (CSV declares nothing: every column is text).</summary>
internal enum ColumnType
{
    /// <summary>Strings (a CSV column, or a Parquet string column).</summary>
    Text,

    /// <summary>Parquet integers (any width).</summary>
    Whole,

    /// <summary>Parquet floating-point numbers.</summary>
    Fractional,

    /// <summary>Parquet booleans.</summary>
    Boolean,

    /// <summary>Parquet timestamps.</summary>
    Timestamp,

    /// <summary>A Parquet list of strings.</summary>
    List,

    /// <summary>A Parquet type this reader does not read (a list of numbers, a map, a decimal of 16 bytes…).</summary>
    Unsupported,
}
