namespace RecServices.Serving.Ranking;

/// <summary>One ranked candidate: item index and score V_u · V_m.</summary>
public readonly record struct RankedItem(int Item, float Score);
