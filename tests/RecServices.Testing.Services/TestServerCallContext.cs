using Grpc.Core;

namespace RecServices.Testing;

/// <summary>
/// A <see cref="ServerCallContext"/> for calling a gRPC service's handler directly, without a server (the grpc-dotnet
/// testing pattern): a deadline, a cancellation token, request headers; response headers and trailers are kept.
/// </summary>
public sealed class TestServerCallContext(
    Metadata? requestHeaders = null,
    DateTime? deadline = null,
    CancellationToken cancellationToken = default
) : ServerCallContext
{
    private readonly Metadata _requestHeaders = requestHeaders ?? [];
    private readonly Metadata _trailers = [];
    private readonly Dictionary<object, object> _userState = new()
    {
        // what GetHttpContext() finds outside ASP.NET Core: a loopback caller
        ["__HttpContext"] = new Microsoft.AspNetCore.Http.DefaultHttpContext
        {
            Connection = { RemoteIpAddress = System.Net.IPAddress.Loopback },
        },
    };

    /// <summary>The response headers the handler wrote, if it did.</summary>
    public Metadata? ResponseHeaders { get; private set; }

    protected override string MethodCore => "/test/Method";

    protected override string HostCore => "localhost";

    protected override string PeerCore => "ipv4:127.0.0.1:1";

    protected override DateTime DeadlineCore => deadline ?? DateTime.MaxValue;

    protected override Metadata RequestHeadersCore => _requestHeaders;

    protected override CancellationToken CancellationTokenCore => cancellationToken;

    protected override Metadata ResponseTrailersCore => _trailers;

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore => new(null, []);

    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("no propagation in handler tests");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        ResponseHeaders = responseHeaders;
        return Task.CompletedTask;
    }
}
