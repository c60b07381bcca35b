namespace RecServices.Core.Features;

/// <summary>
/// Builds one user's tower inputs from their history; the trainer and the ranking service both call it,
/// so the features served are the features trained on.
/// </summary>
public sealed class UserFeatures
{
    private readonly FeatureSchema _schema;
    private readonly int[][] _itemGenres;

    /// <param name="schema">The bundle's schema.</param>
    /// <param name="itemGenres">Genre indices of every item, by item index.</param>
    public UserFeatures(FeatureSchema schema, int[][] itemGenres)
    {
        _schema = schema;
        _itemGenres = itemGenres;
    }

    public int Width => _schema.UserFeatureNames.Count;

    public int HistoryLength => _schema.HistoryLength;

    /// <summary>
    /// Fills one row of the three user tower inputs. <paramref name="history"/> is in time order (oldest
    /// first); the last <see cref="HistoryLength"/> entries are used. Age and gender may be unknown.
    /// </summary>
    public void Fill(ReadOnlySpan<int> history, int? age, string? gender, Span<long> historyItems, Span<float> historyWeights, Span<float> features)
    {
        if (historyItems.Length != HistoryLength || historyWeights.Length != HistoryLength || features.Length != Width)
        {
            throw new ArgumentException($"buffers must hold {HistoryLength} history entries and {Width} features");
        }

        var recent = history.Length > HistoryLength ? history[^HistoryLength..] : history;
        historyItems.Clear();
        historyWeights.Clear();
        features.Clear();
        var weight = recent.Length == 0 ? 0f : 1f / recent.Length;
        for (var j = 0; j < recent.Length; j++)
        {
            var item = recent[j];
            historyItems[j] = item;
            historyWeights[j] = weight;
            foreach (var g in _itemGenres[item])
            {
                features[g] += weight;
            }
        }

        var genres = _schema.GenreCount;
        features[genres] = _schema.HistoryLengthScale.Apply(Math.Log(1 + history.Length));
        features[genres + 1] = age.HasValue ? _schema.AgeScale.Apply(age.Value) : 0;
        features[genres + 2] = age.HasValue ? 0 : 1;
        features[genres + 3] = gender == "M" ? 1 : 0;
        features[genres + 4] = gender == "F" ? 1 : 0;
    }
}
