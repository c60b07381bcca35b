using System.Globalization;
using RecServices.Core.Data;

namespace RecServices.Users.Tests;

/// <summary>
/// The child process of the durability tests: <c>dotnet RecServices.Users.Tests.dll write &lt;sqlite|redis&gt;
/// &lt;file or configuration&gt; &lt;user&gt;</c> records interactions with event ids e0, e1, … through the store
/// and prints "ack &lt;event id&gt; &lt;history count&gt;" after each acknowledged one, "fail &lt;message&gt;"
/// after each failure (then retries the same event, as a client would). The test kills it with SIGKILL at a moment
/// of its choosing.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["write", var kind, var target, var user])
        {
            await Console.Error.WriteLineAsync("usage: write <sqlite|redis> <file or configuration> <user>");
            return 2;
        }

        await using IUserStore store = kind == "sqlite" ? new SqliteUserStore(target) : new RedisUserStore(target);
        await store.InitializeAsync(StoreSeeds.Empty, CancellationToken.None);
        var output = Console.Out;
        for (var i = 0; i < 1_000_000; i++)
        {
            var eventId = "e" + i.ToString(CultureInfo.InvariantCulture);
            var interaction = new NewInteraction(
                user,
                "i" + (i % 1000).ToString(CultureInfo.InvariantCulture),
                InteractionKind.Watched,
                null,
                DateTimeOffset.UtcNow,
                eventId
            );
            while (true)
            {
                try
                {
                    var result = await store.AppendAsync(interaction, CancellationToken.None);
                    await output.WriteLineAsync(
                        string.Create(CultureInfo.InvariantCulture, $"ack {eventId} {result.HistoryCount}")
                    );
                    await output.FlushAsync();
                    break;
                }
                catch (UserStoreUnavailableException e)
                {
                    await output.WriteLineAsync("fail " + e.Message.ReplaceLineEndings(" "));
                    await output.FlushAsync();
                    await Task.Delay(20);
                }
            }
        }

        return 0;
    }
}
