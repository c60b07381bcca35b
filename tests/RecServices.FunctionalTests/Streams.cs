using Grpc.Core;

namespace RecServices.FunctionalTests;

/// <summary>Reading a server stream to its end in a test.</summary>
internal static class Streams
{
    /// <summary>Every message of <paramref name="call"/>, each awaited with the tests' timeout; the call disposed.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(AsyncServerStreamingCall<T> call)
    {
        using (call)
        {
            var list = new List<T>();
            await foreach (var item in call.ResponseStream.ReadAllAsync().WithTimeoutEach())
            {
                list.Add(item);
            }

            return list;
        }
    }
}
