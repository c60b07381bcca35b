using System.CommandLine;
using RecServices.Serving.Retrieval;

namespace RecServices.Cli.Commands;

/// <summary>The embedding-source quota option shared by evaluate and sweep.</summary>
internal static class EmbeddingQuotaOption
{
    public static Option<int> Create() =>
        new("--embedding-quota")
        {
            Description =
                "Items the embedding source proposes (highest V_u · V_m), at every quota scale and not "
                + "scaled by it; 0 = off, as the services serve by default (Recs:EmbeddingQuota).",
            DefaultValueFactory = _ => 0,
        };

    public static int Read(int quota) =>
        quota is >= 0 and <= RetrievalOptions.CandidateCapLimit
            ? quota
            : throw new ArgumentException(
                $"--embedding-quota must be 0 (off) to {RetrievalOptions.CandidateCapLimit}; got {quota}"
            );
}
