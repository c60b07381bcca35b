using Microsoft.Extensions.Time.Testing;
using RecServices.Gateway.Services;

namespace RecServices.Gateway.Tests;

/// <summary>
/// The circuit breaker: opens on the threshold-th failure in a row, lets one probe through when its time is up, closes
/// on a success.
/// </summary>
public sealed class BreakerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Failed_FewerThanTheThresholdInARow_StaysClosed()
    {
        var breaker = new Breaker(3, TimeSpan.FromSeconds(1), _time);

        breaker.Failed();
        breaker.Failed();
        breaker.Succeeded(); // the run is broken
        breaker.Failed();
        breaker.Failed();

        Assert.False(breaker.IsOpen);
        Assert.True(breaker.Allow());
    }

    [Fact]
    public void Failed_ThresholdInARow_SkipsUntilItsTimeThenLetsOneProbeThrough()
    {
        var breaker = new Breaker(2, TimeSpan.FromSeconds(1), _time);

        breaker.Failed();
        breaker.Failed();
        var whileOpen = breaker.Allow();
        _time.Advance(TimeSpan.FromMilliseconds(999));
        var justBefore = breaker.Allow();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var probe = breaker.Allow();
        var duringProbe = breaker.Allow();

        Assert.Equal((false, false, true, false), (whileOpen, justBefore, probe, duringProbe));
    }

    [Fact]
    public void Probe_Succeeds_Closes_Fails_OpensAgain()
    {
        var breaker = new Breaker(1, TimeSpan.FromSeconds(1), _time);
        breaker.Failed();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(breaker.Allow()); // probe
        breaker.Failed();
        Assert.False(breaker.Allow());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(breaker.Allow()); // next probe
        breaker.Succeeded();

        Assert.False(breaker.IsOpen);
        Assert.True(breaker.Allow());
        Assert.True(breaker.Allow());
    }

    [Fact]
    public void Probe_WhoseOutcomeIsNeverReported_OnlyDelaysTheNextProbe()
    {
        var breaker = new Breaker(1, TimeSpan.FromSeconds(1), _time);
        breaker.Failed();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(breaker.Allow()); // a probe whose caller went away: neither outcome comes

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(breaker.Allow());
    }

    [Fact]
    public void ThresholdZero_NeverOpens()
    {
        var breaker = new Breaker(0, TimeSpan.FromSeconds(1), _time);

        for (var i = 0; i < 100; i++)
        {
            breaker.Failed();
        }

        Assert.True(breaker.Allow());
    }
}
