using System.Net;
using System.Net.Http.Headers;

namespace RecServices.FunctionalTests;

/// <summary>
/// gRPC calls as raw HTTP/2 requests (prior knowledge, cleartext), so that a test can send what no generated client
/// would: bytes that are not the request message, a lying length prefix, a compressed flag over plain bytes.
/// </summary>
public static class RawGrpc
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>
    /// A gRPC length-prefixed message: the compressed flag, the big-endian length (<paramref name="length"/> when
    /// given, else the payload's), the payload.
    /// </summary>
    public static byte[] Frame(byte[] payload, bool compressed = false, uint? length = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), length ?? (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>
    /// Posts <paramref name="body"/> to <paramref name="method"/> (<c>/package.Service/Method</c>); returns the grpc-
    /// status and grpc-message.
    /// </summary>
    public static async Task<(int Status, string Message)> CallAsync(
        int port,
        string method,
        byte[] body,
        string? encoding = null
    )
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}{method}")
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact, // h2c, prior knowledge
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }

        using var response = await Client
            .SendAsync(request, HttpCompletionOption.ResponseContentRead)
            .WaitAsync(TimeSpan.FromSeconds(60));
        _ = await response.Content.ReadAsByteArrayAsync();
        // trailers-only answers carry it in the headers
        var headers = response.TrailingHeaders.Contains("grpc-status") ? response.TrailingHeaders : response.Headers;
        var status = headers.TryGetValues("grpc-status", out var s)
            ? int.Parse(s.First(), System.Globalization.CultureInfo.InvariantCulture)
            : -1;
        var message = headers.TryGetValues("grpc-message", out var m)
            ? Uri.UnescapeDataString(m.First())
            : string.Empty;
        return (status, message);
    }
}
