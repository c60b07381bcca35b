namespace RecServices.Core.Bundles;

/// <summary>Item indices, best first, with their scores.</summary>
public sealed record TopList(int[] Items, float[] Scores);
