using System.Numerics.Tensors;
using RecServices.Training.Nn;

namespace RecServices.Training.Model;

/// <summary>
/// Softmax cross-entropy of each user's positive item against a candidate set (the whole catalog, or the
/// batch's positives plus sampled items), with logits V_u · V_m plus an additive mask (0, or -∞ to leave
/// an item out of the softmax, e.g. the user's other seen items). Returns the mean loss and, on request,
/// accumulates every parameter's gradient.
/// </summary>
public sealed class SoftmaxObjective
{
    private readonly TwoTowerNetwork _network;
    private readonly TowerPass _userPass = new();
    private readonly TowerPass _itemPass = new();
    private float[] _logits = [];
    private float[] _userGrad = [];
    private float[] _itemGrad = [];
    private double[] _rowLoss = [];

    public SoftmaxObjective(TwoTowerNetwork network)
    {
        _network = network;
    }

    /// <param name="users">The batch's user tower inputs.</param>
    /// <param name="candidates">Item indices forming the softmax's classes.</param>
    /// <param name="itemFeatures">Item features of the whole catalog.</param>
    /// <param name="targets">For each user row, the position of its positive item in
    /// <paramref name="candidates"/>.</param>
    /// <param name="mask">Null, or [rows × candidates] additive logit mask.</param>
    /// <param name="backward">Accumulate gradients into the network's parameters.</param>
    /// <param name="dropped">Empty, or per candidate whether its item id is dropped (features only).</param>
    public double Evaluate(
        UserBatch users,
        ReadOnlySpan<int> candidates,
        float[] itemFeatures,
        ReadOnlySpan<int> targets,
        float[]? mask,
        bool backward,
        ReadOnlySpan<bool> dropped = default
    )
    {
        var rows = users.Rows;
        var cols = candidates.Length;
        var d = _network.Dimensions.Output;
        _network.ForwardUser(users, _userPass);
        _network.ForwardItems(candidates, itemFeatures, _itemPass, dropped);
        if (_logits.Length < rows * cols)
        {
            _logits = new float[rows * cols];
        }

        MatrixOps.MultiplyTransposed(_userPass.Output, rows, _itemPass.Output, cols, d, _logits);
        var logits = _logits;
        if (_rowLoss.Length < rows)
        {
            _rowLoss = new double[rows];
        }

        var rowLoss = _rowLoss;
        var targetColumns = targets.ToArray();
        MatrixOps.ForRanges(
            rows,
            (start, end) =>
            {
                for (var r = start; r < end; r++)
                {
                    var row = logits.AsSpan(r * cols, cols);
                    if (mask is not null)
                    {
                        TensorPrimitives.Add(row, mask.AsSpan(r * cols, cols), row);
                    }

                    // Softmax in place; masked logits (-inf) become exactly 0.
                    TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), row);
                    TensorPrimitives.Exp(row, row);
                    var sum = TensorPrimitives.Sum(row);
                    var target = targetColumns[r];
                    rowLoss[r] = -Math.Log(Math.Max(row[target] / sum, 1e-30));

                    // The row becomes the gradient of the mean loss: (softmax - one-hot) / rows.
                    TensorPrimitives.Multiply(row, 1f / (sum * rows), row);
                    row[target] -= 1f / rows;
                }
            }
        );

        var loss = 0.0;
        for (var r = 0; r < rows; r++)
        {
            loss += rowLoss[r];
        }

        if (backward)
        {
            if (_userGrad.Length < rows * d)
            {
                _userGrad = new float[rows * d];
            }

            if (_itemGrad.Length < cols * d)
            {
                _itemGrad = new float[cols * d];
            }

            MatrixOps.MultiplyTransposedBackward(
                _userPass.Output,
                rows,
                _itemPass.Output,
                cols,
                d,
                logits,
                _userGrad,
                _itemGrad
            );
            _network.BackwardUser(users, _userPass, _userGrad);
            _network.BackwardItems(candidates, _itemPass, _itemGrad, dropped);
        }

        return loss / rows;
    }
}
