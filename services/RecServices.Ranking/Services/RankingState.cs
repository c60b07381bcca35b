using RecServices.Core.Bundles;
using RecServices.Serving.Ranking;

namespace RecServices.Ranking.Services;

/// <summary>What the ranking service serves from: the loaded bundle and its ranker (one ONNX Runtime session).</summary>
public sealed record RankingState(Bundle Bundle, Ranker Ranker);
