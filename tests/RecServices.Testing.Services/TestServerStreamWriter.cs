using Grpc.Core;

namespace RecServices.Testing;

/// <summary>A server stream that keeps what the handler writes, in order.</summary>
public sealed class TestServerStreamWriter<T> : IServerStreamWriter<T>
{
    public List<T> Written { get; } = [];

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message)
    {
        Written.Add(message);
        return Task.CompletedTask;
    }
}
