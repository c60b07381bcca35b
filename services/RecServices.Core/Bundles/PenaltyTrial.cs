namespace RecServices.Core.Bundles;

/// <summary>
/// One popularity-penalty strength scored on the validation carve: nDCG@10 and the share of the catalog the top-10
/// lists cover.
/// </summary>
public sealed record PenaltyTrial(double Beta, double ValidationNdcg, double Coverage, bool Chosen);
