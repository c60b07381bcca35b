using System.Runtime.InteropServices;
using System.Text;

namespace RecServices.Core.Bundles;

/// <summary>Writes a bundle's binary table: the common header (see <see cref="TableReader"/>), then fields.</summary>
internal sealed class TableWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly BinaryWriter _writer;

    public TableWriter(string path, string magic, int version)
    {
        if (magic.Length != 8)
        {
            throw new ArgumentException("magic must be 8 ASCII characters", nameof(magic));
        }

        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _writer = new BinaryWriter(_stream, new UTF8Encoding(false));
        _writer.Write(Encoding.ASCII.GetBytes(magic));
        _writer.Write(version);
    }

    public void WriteInt(int value) => _writer.Write(value);

    public void WriteLong(long value) => _writer.Write(value);

    public void WriteByte(byte value) => _writer.Write(value);

    public void WriteFloat(float value) => _writer.Write(value);

    public void WriteString(string value) => _writer.Write(value);

    public void WriteFloats(ReadOnlySpan<float> values) => _writer.Write(MemoryMarshal.AsBytes(values));

    public void WriteInts(ReadOnlySpan<int> values) => _writer.Write(MemoryMarshal.AsBytes(values));

    public void Dispose()
    {
        _writer.Flush();
        _stream.Flush(flushToDisk: true);
        _writer.Dispose();
        _stream.Dispose();
    }
}
