namespace RecServices.Training.Evaluation;

/// <summary>The candidate-count sweep: every point, and the scale chosen on the validation carve.</summary>
public sealed record SweepReport(string Dataset, string Protocol, int K, IReadOnlyList<SweepPoint> Points, double ChosenScale, string Rule, double Seconds);
