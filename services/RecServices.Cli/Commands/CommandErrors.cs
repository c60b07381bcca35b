using RecServices.Core.Bundles;
using RecServices.Core.Data;

namespace RecServices.Cli.Commands;

/// <summary>
/// Turns the expected failures (bad data, bad bundle, bad arguments, I/O) into one line on stderr and exit code 1.
/// </summary>
public static class CommandErrors
{
    public static int Run(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (IsExpected(e))
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (IsExpected(e))
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static bool IsExpected(Exception e) =>
        e
            is DatasetFormatException
                or BundleFormatException
                or ArgumentException
                or IOException
                or InvalidDataException
                or UnauthorizedAccessException
                or InvalidOperationException
                or Grpc.Core.RpcException
                or Users.UserStoreUnavailableException
                or Microsoft.Data.Sqlite.SqliteException;
}
