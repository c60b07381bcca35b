using System.Text.Json.Serialization;

namespace RecServices.Cli.Cost;

/// <summary>Everything <c>recs cost</c> measured at one catalog size.</summary>
public sealed record SizeCost(
    [property: JsonPropertyName("items")] int Items,
    [property: JsonPropertyName("users")] int Users,
    [property: JsonPropertyName("interactions")] int Interactions,
    [property: JsonPropertyName("build")] BuildCost Build,
    [property: JsonPropertyName("quality")] QualityCost Quality,
    [property: JsonPropertyName("services")] IReadOnlyList<ServiceCost> Services,
    [property: JsonPropertyName("calls")] IReadOnlyList<CallCost> Calls);
