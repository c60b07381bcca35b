using System.CommandLine;
using System.Globalization;
using RecServices.Training.Model;

namespace RecServices.Cli.Commands;

/// <summary>The popularity-penalty option shared by train, evaluate and sweep.</summary>
internal static class PopularityPenaltyOption
{
    /// <summary>The largest β accepted: past it the penalty outweighs what the towers score.</summary>
    private const double Max = 5;

    public static Option<string> Create() =>
        new("--popularity-penalty")
        {
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"β of the served score V_u·V_m − β·log(1 + item's train interactions), which trades a "
                    + $"little accuracy for catalog coverage: 'auto' scores β in "
                    + $"{{{string.Join(", ", PopularityPenalty.Grid)}}} on the validation carve and keeps the "
                    + $"most coverage within {PopularityPenalty.Tolerance:P1} of the best nDCG@10; 0 serves the "
                    + $"towers' scores alone."
            ),
            DefaultValueFactory = _ => "auto",
        };

    /// <summary>Null for 'auto', else the given β.</summary>
    public static double? Read(string? value)
    {
        if (value is null || value.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var beta)
            && beta is >= 0 and <= Max
            ? beta
            : throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"--popularity-penalty takes 'auto' or a number from 0 to {Max} (e.g. 0.1); got '{value}'"
                )
            );
    }
}
