using System.Globalization;
using System.Text.Json.Serialization;
using RecServices.Lab.Load;

namespace RecServices.Lab.Cost;

/// <summary>Everything <c>recs-lab cost</c> measured at one catalog size.</summary>
public sealed record SizeCost(
    [property: JsonPropertyName("items")] int Items,
    [property: JsonPropertyName("users")] int Users,
    [property: JsonPropertyName("interactions")] int Interactions,
    [property: JsonPropertyName("build")] BuildCost Build,
    [property: JsonPropertyName("quality")] QualityCost Quality,
    [property: JsonPropertyName("services")] IReadOnlyList<ServiceCost> Services,
    [property: JsonPropertyName("calls")] IReadOnlyList<CallCost> Calls
)
{
    /// <summary>The summary of one of <see cref="CostRun"/>'s calls.</summary>
    public LoadSummary Call(string name) => Calls.Single(c => c.Call == name).Summary;

    /// <summary>A catalog size as the table and the chart write it: 3k, 1M, 500.</summary>
    public static string Label(double items) =>
        items >= 1e6 ? string.Create(CultureInfo.InvariantCulture, $"{items / 1e6:0.#}M")
        : items >= 1e3 ? string.Create(CultureInfo.InvariantCulture, $"{items / 1e3:0.#}k")
        : items.ToString("0", CultureInfo.InvariantCulture);
}
