using System.Numerics.Tensors;
using RecServices.Core.Data;
using RecServices.Core.Evaluation;
using RecServices.Core.Features;
using RecServices.Core.Ranking;

namespace RecServices.Training.Model;

/// <summary>
/// Full-catalog top-10 quality on the validation carve: for each sampled user with validation items,
/// score every item by V_u · V_m from the user's train history, drop their train items, take the top 10
/// and compare with their validation items.
/// </summary>
public sealed class ValidationSet
{
    private const int K = 10;
    private readonly int[] _users;
    private readonly HashSet<int>[] _relevant;
    private readonly UserHistories _histories;
    private readonly IReadOnlyList<User> _userProfiles;
    private readonly UserFeatures _features;

    public ValidationSet(
        InteractionTable validation,
        UserHistories trainHistories,
        IReadOnlyList<User> users,
        UserFeatures features,
        int maxUsers,
        int itemCount,
        int seed
    )
    {
        _histories = trainHistories;
        _userProfiles = users;
        _features = features;
        var byUser = new Dictionary<int, HashSet<int>>();
        for (var row = 0; row < validation.Count; row++)
        {
            var u = validation.Users[row];
            if (!byUser.TryGetValue(u, out var set))
            {
                byUser[u] = set = [];
            }

            set.Add(validation.Items[row]);
        }

        // Score at most ~2·10^9 user-item pairs per evaluation (about 10 s on 2 cores), so huge catalogs stay
        // affordable.
        var budget = (int)Math.Clamp(2e9 / Math.Max(1, itemCount), 100, maxUsers);
        var candidates = byUser.Keys.Order().ToArray();
        new Random(seed).Shuffle(candidates);
        _users = candidates.Take(Math.Min(budget, maxUsers)).Order().ToArray();
        _relevant = _users.Select(u => byUser[u]).ToArray();
    }

    public int UserCount => _users.Length;

    public MetricAccumulator Evaluate(TwoTowerNetwork network, float[] itemFeatures) =>
        Evaluate([network], itemFeatures);

    /// <summary>
    /// The same for an ensemble: the members' towers concatenated, so each score is the sum of the members' scores.
    /// </summary>
    public MetricAccumulator Evaluate(IReadOnlyList<TwoTowerNetwork> members, float[] itemFeatures) =>
        Evaluate(members, itemFeatures, (float[]?)null);

    /// <summary>
    /// The same with <paramref name="itemOffsets"/> (one per item, or null) added to every user's scores, e.g. a
    /// popularity penalty.
    /// </summary>
    public MetricAccumulator Evaluate(
        IReadOnlyList<TwoTowerNetwork> members,
        float[] itemFeatures,
        float[]? itemOffsets
    ) => Evaluate(members, itemFeatures, [itemOffsets])[0];

    /// <summary>
    /// The metrics for each of <paramref name="itemOffsets"/> (one per item, or null for none) added to every
    /// user's scores, from one forward pass of the towers: e.g. several strengths of a popularity penalty.
    /// </summary>
    public MetricAccumulator[] Evaluate(
        IReadOnlyList<TwoTowerNetwork> members,
        float[] itemFeatures,
        IReadOnlyList<float[]?> itemOffsets
    )
    {
        var itemCount = members[0].ItemCount;
        var d = members.Sum(m => m.Dimensions.Output);
        var itemVectors = TowerEnsemble.Concatenate(
            members.Select(m => m.AllItemVectors(itemFeatures)).ToList(),
            members.Select(m => m.Dimensions.Output).ToList(),
            itemCount
        );
        var userVectors = new float[_users.Length * d];
        var batch = new UserBatch(256, _features.HistoryLength, _features.Width);
        var pass = new TowerPass();
        for (var start = 0; start < _users.Length; start += batch.Capacity)
        {
            batch.Rows = Math.Min(batch.Capacity, _users.Length - start);
            for (var r = 0; r < batch.Rows; r++)
            {
                var u = _users[start + r];
                _features.Fill(
                    _histories.Of(u),
                    _userProfiles[u].Age,
                    _userProfiles[u].Gender,
                    batch.HistoryItemsOf(r),
                    batch.HistoryWeightsOf(r),
                    batch.FeaturesOf(r)
                );
            }

            var offset = 0;
            foreach (var member in members)
            {
                var md = member.Dimensions.Output;
                member.ForwardUser(batch, pass);
                for (var r = 0; r < batch.Rows; r++)
                {
                    pass.Output.AsSpan(r * md, md).CopyTo(userVectors.AsSpan(((start + r) * d) + offset));
                }

                offset += md;
            }
        }

        var lists = itemOffsets.Select(_ => new int[_users.Length][]).ToArray();
        Parallel.For(
            0,
            _users.Length,
            () => (Raw: new float[itemCount], Scores: new float[itemCount]),
            (i, _, buffers) =>
            {
                VectorScorer.ScoreAll(userVectors.AsSpan(i * d, d), itemVectors, buffers.Raw);
                for (var o = 0; o < itemOffsets.Count; o++)
                {
                    if (itemOffsets[o] is { } offsets)
                    {
                        TensorPrimitives.Add(buffers.Raw, offsets, buffers.Scores);
                    }
                    else
                    {
                        buffers.Raw.CopyTo(buffers.Scores, 0);
                    }

                    lists[o][i] = TopExcludingHistory(buffers.Scores, _histories.Of(_users[i]));
                }

                return buffers;
            },
            _ => { }
        );
        return lists.Select(Accumulate).ToArray();
    }

    /// <summary>The same metrics for "most popular unseen items first".</summary>
    public MetricAccumulator EvaluatePopularity(int[] itemCounts)
    {
        var lists = new int[_users.Length][];
        var scores = new float[itemCounts.Length];
        for (var i = 0; i < _users.Length; i++)
        {
            for (var m = 0; m < itemCounts.Length; m++)
            {
                scores[m] = itemCounts[m];
            }

            lists[i] = TopExcludingHistory(scores, _histories.Of(_users[i]));
        }

        return Accumulate(lists);
    }

    private MetricAccumulator Accumulate(int[][] lists)
    {
        var metrics = new MetricAccumulator(K);
        for (var i = 0; i < lists.Length; i++)
        {
            metrics.Add(lists[i], _relevant[i]);
        }

        return metrics;
    }

    private static int[] TopExcludingHistory(float[] scores, ReadOnlySpan<int> history)
    {
        foreach (var item in history)
        {
            scores[item] = float.NegativeInfinity;
        }

        var top = new int[K];
        var n = TopK.Select(scores, top);
        return n == K ? top : top[..n];
    }
}
