namespace RecServices.Core.Features;

/// <summary>(x - Mean) / Std, with Std floored so constant features stay finite.</summary>
public sealed record Standardizer(double Mean, double Std)
{
    public float Apply(double x) => (float)((x - Mean) / Math.Max(Std, 1e-6));

    public static Standardizer Fit(IEnumerable<double> values)
    {
        double sum = 0,
            sumSq = 0;
        long n = 0;
        foreach (var v in values)
        {
            sum += v;
            sumSq += v * v;
            n++;
        }

        if (n == 0)
        {
            return new Standardizer(0, 1);
        }

        var mean = sum / n;
        var variance = Math.Max(0, (sumSq / n) - (mean * mean));
        return new Standardizer(mean, Math.Sqrt(variance));
    }
}
