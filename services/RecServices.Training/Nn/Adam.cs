using System.Numerics.Tensors;

namespace RecServices.Training.Nn;

/// <summary>
/// Adam with decoupled weight decay (AdamW). Sparse parameters get lazy updates: only the rows that
/// received gradient this step move (PyTorch SparseAdam), so a million-row embedding costs what the
/// batch touches.
/// </summary>
public sealed class Adam
{
    private readonly float _beta1;
    private readonly float _beta2;
    private readonly float _epsilon;
    private int _step;

    public Adam(
        float learningRate,
        float weightDecay = 0,
        float beta1 = 0.9f,
        float beta2 = 0.999f,
        float epsilon = 1e-8f
    )
    {
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
    }

    public float LearningRate { get; set; }

    public float WeightDecay { get; }

    public void Step(IReadOnlyList<Parameter> parameters)
    {
        _step++;
        var correction1 = 1 - MathF.Pow(_beta1, _step);
        var correction2 = 1 - MathF.Pow(_beta2, _step);
        var stepSize = LearningRate / correction1;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        foreach (var p in parameters)
        {
            if (p.IsSparse)
            {
                var rows = p.TouchedRows;
                Parallel.For(
                    0,
                    rows.Count,
                    parallel,
                    i => Update(p, rows[i] * p.Columns, p.Columns, stepSize, correction2)
                );
            }
            else
            {
                Update(p, 0, p.Value.Length, stepSize, correction2);
            }
        }
    }

    private void Update(Parameter p, int start, int length, float stepSize, float correction2)
    {
        var w = p.Value.AsSpan(start, length);
        var g = p.Grad.AsSpan(start, length);
        var m = p.M.AsSpan(start, length);
        var v = p.V.AsSpan(start, length);
        if (WeightDecay > 0)
        {
            TensorPrimitives.Multiply(w, 1 - (LearningRate * WeightDecay), w);
        }

        for (var i = 0; i < length; i++)
        {
            m[i] = (_beta1 * m[i]) + ((1 - _beta1) * g[i]);
            v[i] = (_beta2 * v[i]) + ((1 - _beta2) * g[i] * g[i]);
            w[i] -= stepSize * m[i] / (MathF.Sqrt(v[i] / correction2) + _epsilon);
        }
    }
}
