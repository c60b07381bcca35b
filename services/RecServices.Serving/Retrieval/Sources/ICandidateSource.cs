using RecServices.Contracts.Gateway.V1;

namespace RecServices.Serving.Retrieval.Sources;

/// <summary>
/// One candidate source: it owns its quota and the bundle table it reads, and proposes items for a user into the
/// request's <see cref="CandidateSet"/>. Sources run in the order <see cref="CandidateSources.Create"/> lists them; an
/// item another source already proposed gains one more source entry, and a new item is appended while the set is
/// under the cap. Seen items are skipped and do not count against the quota.
/// </summary>
public interface ICandidateSource
{
    /// <summary>What callers see in a candidate's sources.</summary>
    SourceKind Kind { get; }

    /// <summary>
    /// Proposals this source makes for one user (per recent item, per category, … as its own documentation says).
    /// </summary>
    int Quota { get; }

    /// <summary>
    /// Proposes up to the quota of unseen items for <paramref name="user"/>; <paramref name="cap"/> bounds the
    /// set's size.
    /// </summary>
    void Propose(UserContext user, CandidateSet set, int cap);
}
