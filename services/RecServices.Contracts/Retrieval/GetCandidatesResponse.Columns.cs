namespace RecServices.Contracts.Retrieval.V2;

/// <summary>Access to the column layout of <see cref="GetCandidatesResponse"/> (see the proto comment).</summary>
public sealed partial class GetCandidatesResponse
{
    /// <summary>How many candidates the answer holds.</summary>
    public int CandidateCount => Candidates?.Count ?? 0;

    /// <summary>Candidate <paramref name="i"/>'s sources: entries [Start, End) of the source columns.</summary>
    public (int Start, int End) SourceRange(int i) =>
        (SourceStarts[i], i + 1 < SourceStarts.Count ? SourceStarts[i + 1] : SourceKinds.Count);

    /// <summary>The key of source entry <paramref name="j"/>.</summary>
    public string SourceKey(int j) => SourceKeys[SourceKeyIndexes[j]];

    /// <summary>
    /// Null when the columns are consistent (one start per candidate, ascending from 0, equally long source
    /// columns, key indexes in range); otherwise what is wrong, for the caller's error.
    /// </summary>
    public string? ColumnProblem()
    {
        var sources = SourceKinds.Count;
        if (SourceStarts.Count != CandidateCount)
        {
            return $"{CandidateCount} candidates but {SourceStarts.Count} source_starts";
        }

        if (SourceKeyIndexes.Count != sources || SourceScores.Count != sources)
        {
            return $"source columns of different lengths ({sources} kinds, {SourceKeyIndexes.Count} key indexes, "
                + $"{SourceScores.Count} scores)";
        }

        var previous = 0;
        for (var i = 0; i < SourceStarts.Count; i++)
        {
            var start = SourceStarts[i];
            if ((i == 0 && start != 0) || start < previous || start > sources)
            {
                return $"source_starts[{i}] = {start} is out of order or range";
            }

            previous = start;
        }

        foreach (var key in SourceKeyIndexes)
        {
            if ((uint)key >= (uint)SourceKeys.Count)
            {
                return $"source key index {key} is outside the {SourceKeys.Count} source_keys";
            }
        }

        return null;
    }
}
