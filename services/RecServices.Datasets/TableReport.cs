namespace RecServices.Datasets;

/// <summary>What was read of one table: its files, rows, and the columns it used and left aside.</summary>
public sealed record TableReport(
    string Name,
    IReadOnlyList<string> Files,
    string Format,
    long Rows,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> Ignored
);
