namespace RecServices.Core.Bundles;

/// <summary>
/// How one of the bundle's indexes was built and how good it is: <see cref="Recall"/> is
/// recall@<see cref="RecallAt"/> against exact search on <see cref="Sample"/> queries not used to tune it (1 for an
/// exact index), <see cref="Seconds"/> the build time. <see cref="Partitions"/> and <see cref="Probes"/> are 0 for
/// an exact index.
/// </summary>
public sealed record IndexSummary(
    string Kind,
    int Partitions,
    int Probes,
    int RecallAt,
    double Recall,
    int Sample,
    double Seconds
);
