using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace RecServices.ServiceDefaults.Tests;

/// <summary>
/// Operator logs of a failing dependency: the change, a reminder a minute, the recovery; never one line per call.
/// </summary>
public sealed class FailureLogTests
{
    private readonly FakeLogger _logger = new();
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void RepeatedFailures_LogTheChangeThenOnceAMinuteThenTheRecovery_NeverPerCall()
    {
        var log = new FailureLog(_logger, "Retrieval", "answering degraded", _time);

        for (var i = 0; i < 1_000; i++)
        {
            log.Failed("Unavailable");
            _time.Advance(TimeSpan.FromMilliseconds(50)); // 50 s of failures in all
        }

        var afterFirstMinute = _logger.Collector.Count;
        _time.Advance(TimeSpan.FromSeconds(11));
        log.Failed("Unavailable");
        log.Failed("Unavailable");
        log.Succeeded();
        log.Succeeded();

        var lines = _logger.Collector.GetSnapshot();
        Assert.Equal(1, afterFirstMinute);
        Assert.Equal(3, lines.Count);
        Assert.Equal(LogLevel.Warning, lines[0].Level);
        Assert.Equal("Retrieval is failing (Unavailable); answering degraded until it answers again", lines[0].Message);
        Assert.Equal(LogLevel.Warning, lines[1].Level);
        Assert.StartsWith(
            "Retrieval is still failing (Unavailable): 1000 more failed calls in the last 61 s",
            lines[1].Message
        );
        Assert.Equal(LogLevel.Information, lines[2].Level);
        Assert.Equal("Retrieval answers again after 61.0 s of failures (1002 failed calls)", lines[2].Message);
        Assert.All(lines, l => Assert.Null(l.Exception));
        Assert.False(log.Failing);
    }

    [Fact]
    public void AFailureOfAnotherKind_IsLoggedAtOnce()
    {
        var log = new FailureLog(_logger, "Ranking", "answering degraded", _time);

        log.Failed("Unavailable");
        log.Failed("Unavailable");
        log.Failed("DeadlineExceeded");
        log.Failed("DeadlineExceeded");

        Assert.Equal(
            [
                "Ranking is failing (Unavailable); answering degraded until it answers again",
                "Ranking is failing (DeadlineExceeded); answering degraded until it answers again",
            ],
            _logger.Collector.GetSnapshot().Select(l => l.Message)
        );
        Assert.True(log.Failing);
    }

    [Fact]
    public void Successes_WhileNothingFails_LogNothing()
    {
        var log = new FailureLog(_logger, "The user store", "answering UNAVAILABLE", _time);

        for (var i = 0; i < 100; i++)
        {
            log.Succeeded();
        }

        Assert.Equal(0, _logger.Collector.Count);
    }
}
