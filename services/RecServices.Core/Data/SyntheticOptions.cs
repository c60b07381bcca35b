namespace RecServices.Core.Data;

/// <summary>Sizes and knobs of the synthetic generator; the defaults make the embedded default dataset.</summary>
public sealed record SyntheticOptions
{
    public int Seed { get; init; } = 42;

    public int Users { get; init; } = 2_000;

    public int Items { get; init; } = 3_000;

    /// <summary>Target number of interactions (the result is within a few percent).</summary>
    public long Interactions { get; init; } = 120_000;

    public int Categories { get; init; } = 18;

    public int Countries { get; init; } = 12;

    /// <summary>Latent taste clusters; each item belongs to one, each user mixes a few.</summary>
    public int Clusters { get; init; } = 40;

    /// <summary>Exponent of the Zipf law of item popularity.</summary>
    public double ZipfExponent { get; init; } = 0.9;

    /// <summary>Share of interactions drawn from global popularity rather than the user's tastes.</summary>
    public double Noise { get; init; } = 0.15;

    public void Validate()
    {
        if (
            Users < 1
            || Items < 10
            || Interactions < Users
            || Categories is < 2 or > 64
            || Countries is < 1 or > 200
            || Clusters < 2
            || Clusters > Items
        )
        {
            throw new ArgumentException(
                $"invalid synthetic sizes: {this}. Need users >= 1, items >= 10, interactions >= users, "
                    + $"2..64 categories, 1..200 countries, 2..items clusters"
            );
        }

        if (Interactions > 200L * Items || Interactions > 100_000_000)
        {
            throw new ArgumentException(
                $"too many interactions ({Interactions}) for {Items} items: at most 200 per item and 100M in all"
            );
        }
    }
}
