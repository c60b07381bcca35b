using Microsoft.ML.OnnxRuntime;

namespace RecServices.Serving.Inference;

/// <summary>A tower input over a caller-owned buffer: int64 or float32, [rows] (width 0) or [rows × width].</summary>
internal readonly struct TowerInput
{
    private readonly Memory<long> _longs;
    private readonly Memory<float> _floats;
    private readonly int _width;

    private TowerInput(Memory<long> longs, Memory<float> floats, int width)
    {
        _longs = longs;
        _floats = floats;
        _width = width;
    }

    public static TowerInput Ids(Memory<long> buffer, int width) => new(buffer, Memory<float>.Empty, width);

    public static TowerInput Values(Memory<float> buffer, int width) => new(Memory<long>.Empty, buffer, width);

    internal OrtValue ToOrtValue(int rows)
    {
        long[] shape = _width == 0 ? [rows] : [rows, _width];
        var length = rows * Math.Max(1, _width);
        return _longs.IsEmpty
            ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _floats[..length], shape)
            : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _longs[..length], shape);
    }
}
