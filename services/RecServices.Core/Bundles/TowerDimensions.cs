namespace RecServices.Core.Bundles;

/// <summary>Sizes of the two towers: embedding widths, hidden layer width and the output (V_u, V_m) width.</summary>
public sealed record TowerDimensions(int HistoryEmbedding, int ItemEmbedding, int Hidden, int Output);
