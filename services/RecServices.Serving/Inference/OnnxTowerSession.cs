using Microsoft.ML.OnnxRuntime;
using RecServices.Core.Bundles;

namespace RecServices.Serving.Inference;

/// <summary>
/// One long-lived ONNX Runtime <see cref="InferenceSession"/> for one tower file, checked at load against
/// the input and output widths the bundle manifest promises. <c>Run</c> is thread-safe; inputs and the
/// output are bound as <see cref="OrtValue"/>s over the caller's buffers, so a call allocates no tensors.
/// </summary>
internal sealed class OnnxTowerSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();

    /// <param name="path">The ONNX file.</param>
    /// <param name="inputs">Expected input names and their fixed trailing widths (0 = rank-1 input [batch]).</param>
    /// <param name="output">Expected output name.</param>
    /// <param name="outputWidth">Expected output width.</param>
    /// <param name="threads">Intra-op threads (1 for per-request serving, all cores for offline batches).</param>
    public OnnxTowerSession(
        string path,
        IReadOnlyList<(string Name, int Width)> inputs,
        string output,
        int outputWidth,
        int threads
    )
    {
        var file = Path.GetFileName(path);
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        try
        {
            _session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BundleFormatException(file, $"ONNX Runtime cannot load the model: {e.Message}");
        }

        try
        {
            foreach (var (name, width) in inputs)
            {
                if (!_session.InputMetadata.TryGetValue(name, out var meta))
                {
                    throw new BundleFormatException(
                        file,
                        $"has no input '{name}' (inputs: {string.Join(", ", _session.InputMetadata.Keys)})"
                    );
                }

                var expectedRank = width == 0 ? 1 : 2;
                if (meta.Dimensions.Length != expectedRank || (width > 0 && meta.Dimensions[1] != width))
                {
                    throw new BundleFormatException(
                        file,
                        $"input '{name}' has shape [{string.Join(", ", meta.Dimensions)}], expected "
                            + $"[batch{(width > 0 ? ", " + width : string.Empty)}]"
                    );
                }
            }

            if (
                !_session.OutputMetadata.TryGetValue(output, out var outMeta)
                || outMeta.Dimensions.Length != 2
                || outMeta.Dimensions[1] != outputWidth
            )
            {
                throw new BundleFormatException(file, $"has no output '{output}' of shape [batch, {outputWidth}]");
            }
        }
        catch
        {
            _session.Dispose();
            throw;
        }

        _inputNames = inputs.Select(i => i.Name).ToArray();
        _outputNames = [output];
        OutputWidth = outputWidth;
    }

    public int OutputWidth { get; }

    /// <summary>Runs the model over <paramref name="rows"/> rows. Inputs are in constructor order.</summary>
    public void Run(int rows, IReadOnlyList<TowerInput> inputs, Memory<float> output)
    {
        var values = new OrtValue[inputs.Count];
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                values[i] = inputs[i].ToOrtValue(rows);
            }

            using var result = OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance,
                output[..(rows * OutputWidth)],
                [rows, OutputWidth]
            );
            _session.Run(_runOptions, _inputNames, values, _outputNames, [result]);
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
