using RecServices.Contracts.Common.V1;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Retrieval;

namespace RecServices.Gateway.Services;

/// <summary>
/// Retrieval's candidates as the gateway reads them: in retrieval order, each an item of the served catalog with
/// the sources that proposed it, and the bundle version retrieval answered for. A read-only view over the checked
/// answer (<see cref="RetrievalBackend"/> makes one): the columns are read in place, never copied, and the wire
/// message goes no further than this type.
/// </summary>
public sealed class RetrievedCandidates : ICandidates
{
    private readonly GetCandidatesResponse _answer;

    /// <param name="answer">Retrieval's answer, its columns checked
    /// (<see cref="GetCandidatesResponse.ColumnProblem"/>).</param>
    public RetrievedCandidates(GetCandidatesResponse answer) => _answer = answer;

    /// <summary>The bundle version retrieval answered for.</summary>
    public string Version => _answer.BundleVersion;

    /// <summary>How many candidates retrieval proposed.</summary>
    public int Count => _answer.CandidateCount;

    /// <summary>
    /// Candidate <paramref name="position"/>'s item index in <paramref name="served"/>, or -1 when it does not hold
    /// it: by index when the answer holds item indexes (the call was pinned to the catalog's version), otherwise by
    /// looking its id up.
    /// </summary>
    public int ItemAt(int position, ServedItems served)
    {
        var candidates = _answer.Candidates;
        if (candidates.RefsCase == ItemRefs.RefsOneofCase.Indexes)
        {
            var item = candidates.Indexes.Indexes[position];
            return served.Knows(item) ? item : -1;
        }

        return served.TryIndex(candidates.Ids.Ids[position], out var found) ? found : -1;
    }

    /// <summary>The candidates' item ids, in retrieval order.</summary>
    public IReadOnlyList<string> ItemIds(ServedItems served) =>
        _answer.Candidates?.RefsCase switch
        {
            ItemRefs.RefsOneofCase.Indexes =>
            [
                .. _answer.Candidates.Indexes.Indexes.Where(served.Knows).Select(served.IdOf),
            ],
            ItemRefs.RefsOneofCase.Ids => _answer.Candidates.Ids.Ids,
            _ => [],
        };

    /// <summary>Candidate <paramref name="position"/>'s sources, in the order they proposed it.</summary>
    public SourceHit[] SourcesAt(int position)
    {
        var (start, end) = _answer.SourceRange(position);
        var sources = new SourceHit[end - start];
        for (var j = start; j < end; j++)
        {
            sources[j - start] = new SourceHit(_answer.SourceKinds[j], _answer.SourceKey(j), _answer.SourceScores[j]);
        }

        return sources;
    }
}
