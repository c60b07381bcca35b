using System.CommandLine;
using RecServices.Training.Model;

namespace RecServices.Cli.Commands;

/// <summary><c>--item-id-dropout</c>, shared by <c>recs train</c> and <c>recs evaluate</c>.</summary>
internal static class ItemIdDropoutOption
{
    public static Option<double> Create() =>
        new("--item-id-dropout")
        {
            Description =
                "Probability that a training item reads the new-item embedding instead of its own: the item tower "
                + "learns to score items from their features alone, as it does for items added after training "
                + "(0 = the mean embedding stands in for them).",
            DefaultValueFactory = _ => new TrainingOptions().ItemIdDropout,
        };
}
