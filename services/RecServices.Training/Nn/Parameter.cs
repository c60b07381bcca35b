namespace RecServices.Training.Nn;

/// <summary>
/// A trainable tensor (flat, row-major) with its gradient and Adam moments. A sparse parameter (an
/// embedding table) records which rows received gradient, and only those rows are updated and cleared.
/// </summary>
public sealed class Parameter
{
    private readonly bool[]? _touched;
    private readonly List<int>? _touchedRows;

    public Parameter(string name, int rows, int columns, bool sparse)
    {
        Name = name;
        Rows = rows;
        Columns = columns;
        var size = checked(rows * columns);
        Value = new float[size];
        Grad = new float[size];
        M = new float[size];
        V = new float[size];
        if (sparse)
        {
            _touched = new bool[rows];
            _touchedRows = [];
        }
    }

    public string Name { get; }

    public int Rows { get; }

    public int Columns { get; }

    public float[] Value { get; }

    public float[] Grad { get; private set; }

    /// <summary>Adam first moment.</summary>
    public float[] M { get; private set; }

    /// <summary>Adam second moment.</summary>
    public float[] V { get; private set; }

    public bool IsSparse => _touched is not null;

    /// <summary>Rows that received gradient since the last <see cref="ClearGrad"/> (sparse parameters only).</summary>
    public IReadOnlyList<int> TouchedRows => _touchedRows ?? (IReadOnlyList<int>)[];

    public Span<float> Row(int row) => Value.AsSpan(row * Columns, Columns);

    public Span<float> GradRow(int row) => Grad.AsSpan(row * Columns, Columns);

    /// <summary>Marks a row of a sparse parameter as having gradient (call before accumulating into it).</summary>
    public void Touch(int row)
    {
        if (_touched is not null && !_touched[row])
        {
            _touched[row] = true;
            _touchedRows!.Add(row);
        }
    }

    /// <summary>
    /// Drops the gradient and the Adam moments (three times the values' memory: 1.5 GB for two 1M × 64 tables) once
    /// training is over; the parameter then serves forward passes only and cannot be trained further.
    /// </summary>
    public void ReleaseTrainingState()
    {
        Grad = [];
        M = [];
        V = [];
    }

    public void ClearGrad()
    {
        if (_touched is null)
        {
            Array.Clear(Grad);
            return;
        }

        foreach (var row in _touchedRows!)
        {
            GradRow(row).Clear();
            _touched[row] = false;
        }

        _touchedRows.Clear();
    }

    /// <summary>Fills the values with N(0, std²) from <paramref name="rng"/>.</summary>
    public void InitNormal(Random rng, double std)
    {
        for (var i = 0; i < Value.Length; i++)
        {
            var u1 = 1.0 - rng.NextDouble();
            var u2 = rng.NextDouble();
            Value[i] = (float)(std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
    }
}
