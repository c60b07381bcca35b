using RecServices.Core.Data;

namespace RecServices.Core.Features;

/// <summary>
/// Item tower inputs for the whole catalog, from the catalog and the train interactions only:
/// category multi-hot, standardised year (0 and a flag when unknown), standardised log popularity, a
/// standardised mean rating smoothed toward the global mean by <see cref="RatingPrior"/> pseudo-ratings, then each
/// item attribute by its <see cref="AttributeFeature"/> rule (fitted on the catalog).
/// </summary>
public sealed class ItemFeatures
{
    /// <summary>Pseudo-ratings at the global mean added to every item's mean rating.</summary>
    public const double RatingPrior = 5;

    private ItemFeatures(float[] values, int width, int[] counts, double meanRating)
    {
        Values = values;
        Width = width;
        Counts = counts;
        MeanRating = meanRating;
    }

    /// <summary>The train interactions' mean rating (0 without ratings): a new item's smoothed mean rating.</summary>
    public double MeanRating { get; }

    /// <summary>Row-major [items, Width].</summary>
    public float[] Values { get; }

    public int Width { get; }

    /// <summary>Train interactions per item (the popularity the top lists also use).</summary>
    public int[] Counts { get; }

    public ReadOnlySpan<float> Row(int item) => Values.AsSpan(item * Width, Width);

    /// <summary>Fits the standardisers on <paramref name="train"/> and returns them with the features.</summary>
    public static (
        ItemFeatures Features,
        Standardizer Year,
        Standardizer Popularity,
        Standardizer Rating,
        IReadOnlyList<AttributeFeature> Attributes
    ) Build(Dataset dataset, InteractionTable train)
    {
        var n = dataset.Items.Count;
        var counts = new int[n];
        var ratingSum = new double[n];
        var ratingCount = new int[n];
        double globalSum = 0;
        long globalCount = 0;
        for (var row = 0; row < train.Count; row++)
        {
            var item = train.Items[row];
            counts[item]++;
            if (train.Kinds[row] == InteractionKind.Rated)
            {
                ratingSum[item] += train.Ratings[row];
                ratingCount[item]++;
                globalSum += train.Ratings[row];
                globalCount++;
            }
        }

        var globalMean = globalCount == 0 ? 0 : globalSum / globalCount;
        var meanRating = new double[n];
        for (var i = 0; i < n; i++)
        {
            meanRating[i] = (ratingSum[i] + (RatingPrior * globalMean)) / (ratingCount[i] + RatingPrior);
        }

        var year = Standardizer.Fit(
            dataset.Items.Where(item => item.Year.HasValue).Select(item => (double)item.Year!.Value)
        );
        var popularity = Standardizer.Fit(counts.Select(c => Math.Log(1 + c)));
        var rating = Standardizer.Fit(meanRating);
        var attributes = dataset
            .ItemAttributes.Select(a => (Column: a, Rule: AttributeFeature.Fit(a)))
            .Where(a => a.Rule is not null)
            .ToList();
        var features = Compute(dataset, counts, meanRating, year, popularity, rating, attributes!, globalMean);
        return (features, year, popularity, rating, [.. attributes.Select(a => a.Rule!)]);
    }

    private static ItemFeatures Compute(
        Dataset dataset,
        int[] counts,
        double[] meanRating,
        Standardizer year,
        Standardizer popularity,
        Standardizer rating,
        List<(ItemAttribute Column, AttributeFeature Rule)> attributes,
        double globalMean
    )
    {
        var categories = dataset.Categories.Count;
        var fixedWidth = categories + 4;
        var width = fixedWidth + attributes.Sum(a => a.Rule.Width);
        var vocabularies = attributes
            .Select(a =>
                a.Rule.Vocabulary.Select((v, k) => (v, k)).ToDictionary(p => p.v, p => p.k, StringComparer.Ordinal)
            )
            .ToList();
        var values = new float[dataset.Items.Count * width];
        for (var i = 0; i < dataset.Items.Count; i++)
        {
            var row = values.AsSpan(i * width, width);
            var item = dataset.Items[i];
            foreach (var g in item.Categories)
            {
                row[g] = 1;
            }

            row[categories] = item.Year.HasValue ? year.Apply(item.Year.Value) : 0;
            row[categories + 1] = item.Year.HasValue ? 0 : 1;
            row[categories + 2] = popularity.Apply(Math.Log(1 + counts[i]));
            row[categories + 3] = rating.Apply(meanRating[i]);
            var at = fixedWidth;
            for (var a = 0; a < attributes.Count; a++)
            {
                var rule = attributes[a].Rule;
                rule.Fill(attributes[a].Column, i, row.Slice(at, rule.Width), vocabularies[a]);
                at += rule.Width;
            }
        }

        return new ItemFeatures(values, width, counts, globalMean);
    }

    /// <summary>
    /// The item tower inputs of an item the tower was not trained on, from its metadata alone, by
    /// <paramref name="schema"/>'s rules: its categories (indices into the bundle's), its year, what stands for the
    /// interactions it has not had yet (<see cref="FeatureSchema.NewItemLogPopularity"/>,
    /// <see cref="FeatureSchema.NewItemRating"/>), and its attributes by name (a numeric attribute's text parsed as a
    /// number; an attribute the schema does not read is ignored).
    /// </summary>
    public static void NewItemRow(
        FeatureSchema schema,
        IReadOnlyList<int> categories,
        int? year,
        IReadOnlyDictionary<string, string> attributes,
        Span<float> row
    )
    {
        row.Clear();
        var count = schema.CategoryCount;
        foreach (var g in categories)
        {
            row[g] = 1;
        }

        row[count] = year.HasValue ? schema.YearScale.Apply(year.Value) : 0;
        row[count + 1] = year.HasValue ? 0 : 1;
        row[count + 2] = schema.PopularityScale.Apply(schema.NewItemLogPopularity ?? 0); // 0: log(1 + 0)
        row[count + 3] = schema.RatingScale.Apply(schema.NewItemRating ?? schema.RatingScale.Mean);
        var at = count + 4;
        foreach (var rule in schema.ItemAttributes)
        {
            var slice = row.Slice(at, rule.Width);
            at += rule.Width;
            var has = attributes.TryGetValue(rule.Name, out var text) && text.Length > 0;
            if (rule.Scale is not null)
            {
                var value = double.NaN;
                var number =
                    has
                    && double.TryParse(
                        text,
                        System.Globalization.NumberStyles.Float,
                        System.Globalization.CultureInfo.InvariantCulture,
                        out value
                    )
                    && double.IsFinite(value);
                slice[0] = number ? rule.Scale.Apply(value) : 0;
                slice[1] = number ? 0 : 1;
            }
            else if (has)
            {
                var slot = -1;
                for (var v = 0; v < rule.Vocabulary.Count && slot < 0; v++)
                {
                    slot = string.Equals(rule.Vocabulary[v], text, StringComparison.Ordinal) ? v : -1;
                }

                slice[slot < 0 ? rule.Vocabulary.Count : slot] = 1;
            }
        }
    }
}
