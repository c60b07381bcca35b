namespace RecServices.Training.Nn;

/// <summary>A fully connected layer y = x·W + b, W stored [in × out] (the ONNX MatMul layout).</summary>
public sealed class Dense
{
    public Dense(string name, int inputs, int outputs, Random rng)
    {
        Inputs = inputs;
        Outputs = outputs;
        Weight = new Parameter(name + ".weight", inputs, outputs, sparse: false);
        Bias = new Parameter(name + ".bias", 1, outputs, sparse: false);
        Weight.InitNormal(rng, Math.Sqrt(2.0 / inputs)); // He initialisation for the ReLU that follows
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    public void Forward(float[] x, int rows, float[] y) =>
        MatrixOps.Linear(x, rows, Inputs, Weight.Value, Bias.Value, Outputs, y);

    /// <summary>
    /// Accumulates the weight and bias gradients; writes dx [rows × dxColumns] for the first
    /// <paramref name="dxColumns"/> inputs.
    /// </summary>
    public void Backward(float[] x, float[] dy, int rows, float[]? dx, int dxColumns) =>
        MatrixOps.LinearBackward(x, dy, rows, Inputs, Outputs, Weight.Value, Weight.Grad, Bias.Grad, dx, dxColumns);
}
