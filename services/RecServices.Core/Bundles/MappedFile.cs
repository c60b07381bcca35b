using System.IO.MemoryMappedFiles;

namespace RecServices.Core.Bundles;

/// <summary>
/// A bundle file mapped read-only: a large table read through it is a span over the mapped pages, not a copy on the
/// heap. Pages come from the page cache (shared by every process that maps the file, and reclaimable), so holding a
/// second version during a swap costs little memory. The mapping is released when the table that holds this object
/// is no longer reachable (finalizer): a version is never unmapped while a request can still read it. Bundle files
/// are never changed once written (a new version is a new directory), so the mapping always sees complete tables.
/// </summary>
public sealed unsafe class MappedFile
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _start;

    public MappedFile(string path)
    {
        Length = new FileInfo(path).Length;
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _start = pointer + _view.PointerOffset;
    }

    ~MappedFile()
    {
        // SafeHandles are finalized after ordinary objects: the view's handle is still valid here.
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    public long Length { get; }

    /// <summary>
    /// <paramref name="count"/> values of <typeparamref name="T"/> from byte <paramref name="offset"/> (the caller
    /// checked the bounds).
    /// </summary>
    public ReadOnlySpan<T> Span<T>(long offset, int count)
        where T : unmanaged
    {
        if (offset < 0 || count < 0 || offset + ((long)count * sizeof(T)) > Length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(count),
                $"{count} values at byte {offset} run past the end of the {Length}-byte file"
            );
        }

        return new ReadOnlySpan<T>(_start + offset, count);
    }
}
