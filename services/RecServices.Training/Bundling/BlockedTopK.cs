using RecServices.Core.Ranking;
using RecServices.Training.Nn;

namespace RecServices.Training.Bundling;

/// <summary>
/// The k best targets of many queries by inner product, kept per query (a bounded heap of ids and scores each) while
/// blocks of queries are scored against blocks of targets with one matrix multiply (<see cref="Gemm"/>) per pair of
/// blocks: the exact and the partitioned item-item tables and the recall checks all run through it. A query never
/// keeps itself (a target with the query's own id is skipped).
/// </summary>
internal sealed class BlockedTopK
{
    /// <summary>
    /// Targets scored per multiply: the transposed block (D × this) and the score block stay in cache-friendly
    /// sizes.
    /// </summary>
    public const int TargetBlock = 4096;

    /// <summary>Queries scored per multiply.</summary>
    public const int QueryBlock = 256;

    private readonly int _dimension;
    private readonly float[] _queries;
    private readonly float[] _targetsT;
    private readonly int[] _targetIds;
    private readonly float[] _scores;
    private int _targetCount;

    public BlockedTopK(int queries, int k, int dimension)
    {
        (K, _dimension) = (k, dimension);
        Ids = new int[checked(queries * k)];
        Scores = new float[Ids.Length];
        Sizes = new int[queries];
        _queries = new float[QueryBlock * dimension];
        _targetsT = new float[dimension * TargetBlock];
        _targetIds = new int[TargetBlock];
        _scores = new float[QueryBlock * TargetBlock];
    }

    public int K { get; }

    /// <summary>Query q's kept ids: <c>Ids[q·K .. q·K + Sizes[q])</c>, a heap until <see cref="SortAll"/>.</summary>
    public int[] Ids { get; }

    public float[] Scores { get; }

    public int[] Sizes { get; }

    /// <summary>Starts a target block; then <see cref="AddTarget"/> up to <see cref="TargetBlock"/> rows.</summary>
    public void ClearTargets() => _targetCount = 0;

    public bool TargetsFull => _targetCount == TargetBlock;

    public int TargetCount => _targetCount;

    public void AddTarget(int id, ReadOnlySpan<float> row)
    {
        var column = _targetCount++;
        _targetIds[column] = id;
        for (var d = 0; d < _dimension; d++)
        {
            _targetsT[(d * TargetBlock) + column] = row[d];
        }
    }

    /// <summary>
    /// Scores queries <paramref name="slots"/> (their heap slots) whose vectors are <paramref name="rows"/> (row-major,
    /// one per slot, at most <see cref="QueryBlock"/>) against the current target block, and offers every score.
    /// <paramref name="self"/>[j] is the id query j must not keep (-1: none).
    /// </summary>
    public void Score(ReadOnlySpan<int> slots, ReadOnlySpan<float> rows, ReadOnlySpan<int> self)
    {
        var n = slots.Length;
        if (n == 0 || _targetCount == 0)
        {
            return;
        }

        rows[..(n * _dimension)].CopyTo(_queries);
        var m = _targetCount;
        if (m < TargetBlock)
        {
            // Zero the unused columns once per short block so the multiply can run over the full, aligned width.
            for (var d = 0; d < _dimension; d++)
            {
                _targetsT.AsSpan((d * TargetBlock) + m, TargetBlock - m).Clear();
            }
        }

        Gemm.Multiply(_queries, n, _dimension, _targetsT, TargetBlock, _scores, accumulate: false);
        var slotArray = slots.ToArray();
        var selfArray = self.ToArray();
        MatrixOps.ForRanges(
            n,
            (start, end) =>
            {
                for (var j = start; j < end; j++)
                {
                    var slot = slotArray[j];
                    var ids = Ids.AsSpan(slot * K, K);
                    var scores = Scores.AsSpan(slot * K, K);
                    var size = Sizes[slot];
                    var row = _scores.AsSpan(j * TargetBlock, m);
                    var excluded = selfArray[j];
                    var threshold = RunningTopK.Threshold(scores, size, K);
                    for (var c = 0; c < row.Length; c++)
                    {
                        if (row[c] >= threshold && _targetIds[c] != excluded)
                        {
                            RunningTopK.Offer(ids, scores, ref size, _targetIds[c], row[c]);
                            threshold = RunningTopK.Threshold(scores, size, K);
                        }
                    }

                    Sizes[slot] = size;
                }
            }
        );
    }

    /// <summary>Sorts every query's kept targets, best first.</summary>
    public void SortAll() =>
        MatrixOps.ForRanges(
            Sizes.Length,
            (start, end) =>
            {
                for (var q = start; q < end; q++)
                {
                    RunningTopK.Sort(Ids.AsSpan(q * K, K), Scores.AsSpan(q * K, K), Sizes[q]);
                }
            }
        );

    /// <summary>
    /// Each query's exact top <paramref name="k"/> of all <paramref name="count"/> target rows by inner product;
    /// query q never keeps target <paramref name="self"/>[q] (null: no query is a target).
    /// </summary>
    public static BlockedTopK Exact(
        float[] targets,
        int count,
        int dimension,
        int k,
        float[] queries,
        int queryCount,
        int[]? self
    )
    {
        var top = new BlockedTopK(queryCount, k, dimension);
        var slots = Enumerable.Range(0, queryCount).ToArray();
        self ??= Enumerable.Repeat(-1, queryCount).ToArray();
        top.ClearTargets();
        for (var item = 0; item <= count; item++)
        {
            if (top.TargetsFull || (item == count && top.TargetCount > 0))
            {
                for (var start = 0; start < queryCount; start += QueryBlock)
                {
                    var n = Math.Min(QueryBlock, queryCount - start);
                    top.Score(
                        slots.AsSpan(start, n),
                        queries.AsSpan(start * dimension, n * dimension),
                        self.AsSpan(start, n)
                    );
                }

                top.ClearTargets();
            }

            if (item < count)
            {
                top.AddTarget(item, targets.AsSpan(item * dimension, dimension));
            }
        }

        top.SortAll();
        return top;
    }
}
