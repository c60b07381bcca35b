using System.Diagnostics;
using System.Globalization;

namespace RecServices.Training.Bundling;

/// <summary>
/// Progress lines for a long step: at each tenth of the work, when at least <see cref="MinInterval"/> passed since the
/// last line (a short step stays quiet), the share done, the elapsed time and an ETA from the rate so far.
/// </summary>
internal sealed class StepProgress(string name, long total, Action<string> log)
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(15);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last;
    private long _done;
    private int _reported;

    public void Advance(long work)
    {
        _done += work;
        var tenth = (int)(_done * 10 / Math.Max(1, total));
        if (tenth <= _reported || _done >= total)
        {
            return;
        }

        _reported = tenth;
        var elapsed = _clock.Elapsed;
        if (elapsed - _last < MinInterval)
        {
            return;
        }

        _last = elapsed;
        var eta = elapsed.TotalSeconds * (total - _done) / _done;
        log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{name}: {100.0 * _done / total:F0} % after {elapsed.TotalSeconds:F0} s, about {eta:F0} s to go"
            )
        );
    }
}
