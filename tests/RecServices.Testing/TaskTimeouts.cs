namespace RecServices.Testing;

/// <summary>Every awaited task in these tests has a deadline; a hang fails the test instead of the run.</summary>
public static class TaskTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A local redis-server's start: LocalRedis waits up to 60 s for PONG itself (three ports at most) and then says
    /// why, with the server's output; this limit leaves it that time.
    /// </summary>
    public static readonly TimeSpan LocalRedisStart = TimeSpan.FromMinutes(4);

    public static async Task<T> WithTimeout<T>(this Task<T> task, TimeSpan? timeout = null) =>
        await task.WaitAsync(timeout ?? Default);

    public static async Task WithTimeout(this Task task, TimeSpan? timeout = null) =>
        await task.WaitAsync(timeout ?? Default);

    /// <summary>Each element of the stream must arrive within the timeout.</summary>
    public static async IAsyncEnumerable<T> WithTimeoutEach<T>(
        this IAsyncEnumerable<T> source,
        TimeSpan? timeout = null
    )
    {
        await using var e = source.GetAsyncEnumerator();
        while (await e.MoveNextAsync().AsTask().WaitAsync(timeout ?? Default))
        {
            yield return e.Current;
        }
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds, failing after the timeout (with <paramref name="describe"/>'s
    /// account of what was there, when given).
    /// </summary>
    public static async Task Until(
        Func<Task<bool>> condition,
        string what,
        TimeSpan? timeout = null,
        Func<string>? describe = null
    )
    {
        var deadline = DateTime.UtcNow + (timeout ?? Default);
        while (!await condition().WithTimeout())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"timed out waiting for {what}{(describe is null ? string.Empty : ": " + describe())}"
                );
            }

            await Task.Delay(50);
        }
    }
}
