namespace RecServices.Core.Features;

/// <summary>
/// Builds one user's tower inputs from their history; the trainer and the ranking service both call it,
/// so the features served are the features trained on.
/// </summary>
public sealed class UserFeatures
{
    private readonly FeatureSchema _schema;
    private readonly int[][] _itemCategories;
    private readonly bool _affinity;

    /// <param name="schema">The bundle's schema.</param>
    /// <param name="itemCategories">Category indices of every item, by item index.</param>
    public UserFeatures(FeatureSchema schema, int[][] itemCategories)
    {
        _schema = schema;
        _itemCategories = itemCategories;
        _affinity = schema.HasCategoryAffinity;
        var leading = _affinity ? schema.CategoryCount : 0;
        if (
            schema.UserFeatureNames.Count != leading + FeatureSchema.ProfileFeatureNames.Count
            || !schema.UserFeatureNames.Skip(leading).SequenceEqual(FeatureSchema.ProfileFeatureNames)
        )
        {
            throw new ArgumentException(
                $"unknown user feature layout [{string.Join(", ", schema.UserFeatureNames)}]; this build reads "
                    + (_affinity ? $"{schema.CategoryCount} category affinities then " : string.Empty)
                    + $"[{string.Join(", ", FeatureSchema.ProfileFeatureNames)}]"
            );
        }
    }

    public int Width => _schema.UserFeatureNames.Count;

    public int HistoryLength => _schema.HistoryLength;

    /// <summary>
    /// Fills one row of the three user tower inputs. <paramref name="history"/> is in time order (oldest
    /// first); the last <see cref="HistoryLength"/> entries are used. Age and gender may be unknown.
    /// </summary>
    public void Fill(
        ReadOnlySpan<int> history,
        int? age,
        string? gender,
        Span<long> historyItems,
        Span<float> historyWeights,
        Span<float> features
    )
    {
        if (historyItems.Length != HistoryLength || historyWeights.Length != HistoryLength || features.Length != Width)
        {
            throw new ArgumentException($"buffers must hold {HistoryLength} history entries and {Width} features");
        }

        var recent = history.Length > HistoryLength ? history[^HistoryLength..] : history;
        historyItems.Clear();
        historyWeights.Clear();
        features.Clear();
        HistoryWeights(recent.Length, _schema.HistoryHalfLife, historyWeights);
        for (var j = 0; j < recent.Length; j++)
        {
            historyItems[j] = recent[j];
        }

        var categories = 0;
        if (_affinity)
        {
            for (var j = 0; j < recent.Length; j++)
            {
                foreach (var g in _itemCategories[recent[j]])
                {
                    features[g] += historyWeights[j];
                }
            }

            categories = _schema.CategoryCount;
        }

        features[categories] = _schema.HistoryLengthScale.Apply(Math.Log(1 + history.Length));
        features[categories + 1] = age.HasValue ? _schema.AgeScale.Apply(age.Value) : 0;
        features[categories + 2] = age.HasValue ? 0 : 1;
        features[categories + 3] = gender == "M" ? 1 : 0;
        features[categories + 4] = gender == "F" ? 1 : 0;
    }

    /// <summary>
    /// The weights of <paramref name="count"/> history entries in time order (oldest first): 1/n each with
    /// <paramref name="halfLife"/> 0, else 2^(-age / halfLife) with age 0 for the newest, normalised to sum 1.
    /// Entries past <paramref name="count"/> are padding and get 0.
    /// </summary>
    public static void HistoryWeights(int count, double halfLife, Span<float> weights)
    {
        weights.Clear();
        if (count == 0)
        {
            return;
        }

        if (halfLife <= 0)
        {
            weights[..count].Fill(1f / count);
            return;
        }

        var sum = 0.0;
        var decay = Math.Pow(2, -1 / halfLife);
        var w = 1.0;
        for (var j = count - 1; j >= 0; j--)
        {
            weights[j] = (float)w;
            sum += w;
            w *= decay;
        }

        var scale = (float)(1 / sum);
        for (var j = 0; j < count; j++)
        {
            weights[j] *= scale;
        }
    }
}
