using RecServices.Core.Data;
using RecServices.Training.Bundling;
using RecServices.Training.Model;

namespace RecServices.Lab.Cost;

/// <summary>
/// How <c>recs-lab cost</c> sizes the synthetic data and the training budget for a catalog of <c>Items</c> items: one user
/// per five items (at least 2,000), 50 interactions per user, and about <c>ExampleBudget</c> training examples in all
/// (whole epochs of the build's train part, at most 20, at least one capped at the budget), so that the build's cost
/// grows with the catalog rather than with a longer training. No settings search, no refit: the served model is the one
/// the build's validation numbers describe.
/// </summary>
public sealed record CostScale(int Items, long ExampleBudget = CostScale.DefaultExampleBudget, int? Epochs = null)
{
    public const long DefaultExampleBudget = 3_000_000;

    /// <summary>
    /// Share of every item's interactions held out of the build: the carve the two pipelines are scored on.
    /// </summary>
    public const double HoldOutFraction = 0.1;

    /// <summary>The held-out carve's seed (the protocol split's is 42, the build's validation carve's 43).</summary>
    public const int HoldOutSeed = 1042;

    public int Users => Math.Max(2_000, Items / 5);

    public long Interactions => 50L * Users;

    public SyntheticOptions Synthetic =>
        new()
        {
            Items = Items,
            Users = Users,
            Interactions = Interactions,
        };

    /// <summary>The build's options for <paramref name="buildRows"/> interactions given to the builder.</summary>
    public BuildOptions Build(int buildRows)
    {
        var defaults = new TrainingOptions();
        var trainRows = (long)(buildRows * (1 - defaults.ValidationFraction));
        var epochs = Epochs ?? (int)Math.Clamp(ExampleBudget / Math.Max(1, trainRows), 1, defaults.Epochs);
        return new BuildOptions
        {
            SearchTrials = 1,
            Refit = false,
            Training = defaults with
            {
                Epochs = epochs,
                MaxExamplesPerEpoch = (int)Math.Min(ExampleBudget, int.MaxValue),
            },
        };
    }
}
