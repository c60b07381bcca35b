using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace RecServices.GrpcHardening;

/// <summary>
/// A request compression provider (gzip) whose decompression of a body that is not what its encoding says answers
/// INTERNAL, saying so, instead of UNKNOWN from an exception deep in the server.
/// </summary>
internal sealed class CheckedCompression(ICompressionProvider inner, UnparseableRequests unparseable)
    : ICompressionProvider
{
    public string EncodingName => inner.EncodingName;

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        inner.CreateCompressionStream(stream, compressionLevel);

    public Stream CreateDecompressionStream(Stream stream) =>
        new Checked(inner.CreateDecompressionStream(stream), this);

    private RpcException Refuse(Exception e)
    {
        unparseable.Note($"a request compressed with {EncodingName}", e.GetType().Name);
        return new RpcException(
            new Status(
                StatusCode.Internal,
                $"the request's {EncodingName} body could not be decompressed ({e.Message}); compress the "
                    + $"message with {EncodingName}, or send it uncompressed"
            )
        );
    }

    /// <summary>The decompressing stream, read-only, its failures turned into the answer.</summary>
    private sealed class Checked(Stream inner, CheckedCompression owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return inner.Read(buffer);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw owner.Refuse(e);
            }
        }

        public override async ValueTask<int> ReadAsync(
            Memory<byte> buffer,
            CancellationToken cancellationToken = default
        )
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw owner.Refuse(e);
            }
        }

        public override Task<int> ReadAsync(
            byte[] buffer,
            int offset,
            int count,
            CancellationToken cancellationToken
        ) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
