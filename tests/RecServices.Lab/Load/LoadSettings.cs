namespace RecServices.Lab.Load;

/// <summary>The knobs of one <c>recs-lab load</c> run.</summary>
public sealed record LoadSettings(int Concurrency, double DurationSeconds, double WarmupSeconds, int Count)
{
    public void Validate()
    {
        if (Concurrency is < 1 or > 4096)
        {
            throw new ArgumentException("--concurrency must be between 1 and 4096");
        }

        if (DurationSeconds is <= 0 or > 3600 || double.IsNaN(DurationSeconds))
        {
            throw new ArgumentException("--duration must be more than 0 and at most 3600 seconds");
        }

        if (WarmupSeconds is < 0 or > 3600 || double.IsNaN(WarmupSeconds))
        {
            throw new ArgumentException("--warmup must be between 0 and 3600 seconds");
        }

        if (Count is < 1 or > 1000)
        {
            throw new ArgumentException("--count must be between 1 and 1000 (the gateway's own maximum applies too)");
        }
    }
}
