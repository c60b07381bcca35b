namespace RecServices.Training.Model;

/// <summary>The activations of one tower's forward pass, kept for its backward pass; buffers grow on demand.</summary>
public sealed class TowerPass
{
    public int Rows { get; private set; }

    /// <summary>[rows × (embedding + features)]: the concatenated tower input.</summary>
    public float[] Input { get; private set; } = [];

    /// <summary>[rows × hidden] before the ReLU.</summary>
    public float[] Hidden { get; private set; } = [];

    /// <summary>[rows × hidden] after the ReLU.</summary>
    public float[] Activated { get; private set; } = [];

    /// <summary>[rows × output]: V_u or V_m.</summary>
    public float[] Output { get; private set; } = [];

    /// <summary>
    /// Gradient of the input's embedding columns, [rows × embedding width] (allocated at input size).
    /// </summary>
    public float[] InputGrad { get; private set; } = [];

    /// <summary>Gradient scratch of the hidden layer's size.</summary>
    public float[] HiddenGrad { get; private set; } = [];

    public void Resize(int rows, int inputWidth, int hidden, int output)
    {
        Rows = rows;
        Input = Ensure(Input, rows * inputWidth);
        Hidden = Ensure(Hidden, rows * hidden);
        Activated = Ensure(Activated, rows * hidden);
        Output = Ensure(Output, rows * output);
        InputGrad = Ensure(InputGrad, rows * inputWidth);
        HiddenGrad = Ensure(HiddenGrad, rows * hidden);
    }

    private static float[] Ensure(float[] buffer, int size) => buffer.Length >= size ? buffer : new float[size];
}
