using System.Numerics.Tensors;
using RecServices.Core.Data;
using RecServices.Core.Ranking;

namespace RecServices.Training.Baselines;

/// <summary>
/// EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", 2019), the yardstick in evaluation reports,
/// not a served model: with X the binary user × item matrix, P = (XᵀX + λI)⁻¹ and B = I − P·diag(1/diag(P)), so that
/// diag(B) = 0; a user's score for item j is Σ over their items i of B[i, j]. Dense in the catalog size: catalogs up
/// to <see cref="MaxItems"/> items.
/// </summary>
public sealed class EaseModel
{
    /// <summary>
    /// The largest catalog fitted: the dense n × n matrices take 3 × 8 n² bytes (0.86 GB at 6,000 items).
    /// </summary>
    public const int MaxItems = 6_000;

    private readonly float[] _weights;

    private EaseModel(int itemCount, float[] weights, double lambda)
    {
        ItemCount = itemCount;
        _weights = weights;
        Lambda = lambda;
    }

    public int ItemCount { get; }

    public double Lambda { get; }

    /// <summary>B[i, j]: how much having item <paramref name="from"/> raises item <paramref name="to"/>.</summary>
    public float Weight(int from, int to) => _weights[((long)from * ItemCount) + to];

    /// <summary>Fits B on the distinct (user, item) pairs of <paramref name="rows"/>.</summary>
    public static EaseModel Fit(InteractionTable rows, int userCount, int itemCount, double lambda)
    {
        if (itemCount > MaxItems)
        {
            throw new ArgumentException($"EASE is dense in the catalog: {itemCount} items is more than {MaxItems}");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lambda);
        var n = itemCount;
        var gram = Gram(rows, userCount, n);
        for (var i = 0; i < n; i++)
        {
            gram[((long)i * n) + i] += lambda;
        }

        var inverse = InvertSymmetricPositiveDefinite(gram, n);
        var weights = new float[(long)n * n];
        Parallel.For(
            0,
            n,
            i =>
            {
                for (var j = 0; j < n; j++)
                {
                    // B[i, j] = -P[i, j] / P[j, j]; the diagonal is zero.
                    weights[((long)i * n) + j] =
                        i == j ? 0f : (float)(-inverse[((long)i * n) + j] / inverse[((long)j * n) + j]);
                }
            }
        );
        return new EaseModel(n, weights, lambda);
    }

    /// <summary>
    /// The top <paramref name="k"/> items for a user with <paramref name="history"/> (item indices), their history
    /// left out.
    /// </summary>
    public int[] Recommend(ReadOnlySpan<int> history, int k)
    {
        var scores = new float[ItemCount];
        foreach (var item in history)
        {
            TensorPrimitives.Add(scores, _weights.AsSpan((int)((long)item * ItemCount), ItemCount), scores);
        }

        foreach (var item in history)
        {
            scores[item] = float.NegativeInfinity;
        }

        var top = new int[Math.Min(k, Math.Max(0, ItemCount - history.Length))];
        var n = TopK.Select(scores, top);
        return top[..n];
    }

    /// <summary>
    /// XᵀX over distinct (user, item) pairs: co-occurrence counts, occurrence counts on the diagonal.
    /// </summary>
    private static double[] Gram(InteractionTable rows, int userCount, int n)
    {
        var histories = UserHistories.Build(rows, userCount);
        var gram = new double[(long)n * n];
        for (var u = 0; u < userCount; u++)
        {
            var items = histories.Of(u);
            foreach (var i in items)
            {
                var row = (long)i * n;
                foreach (var j in items)
                {
                    gram[row + j] += 1;
                }
            }
        }

        return gram;
    }

    /// <summary>
    /// The inverse of a symmetric positive definite matrix (row-major, n × n, overwritten): Cholesky A = L Lᵀ, then
    /// each column of A⁻¹ by a forward and a backward substitution, columns in parallel.
    /// </summary>
    private static double[] InvertSymmetricPositiveDefinite(double[] a, int n)
    {
        // Cholesky, lower triangle in place: L[i, j] = (A[i, j] − L[i, :j]·L[j, :j]) / L[j, j].
        for (var j = 0; j < n; j++)
        {
            var rowJ = a.AsSpan((int)((long)j * n), n);
            var diagonal = rowJ[j] - TensorPrimitives.Dot<double>(rowJ[..j], rowJ[..j]);
            if (!(diagonal > 0))
            {
                throw new InvalidOperationException(
                    $"EASE: the regularised Gram matrix is not positive definite at item {j}; raise λ"
                );
            }

            rowJ[j] = Math.Sqrt(diagonal);
            var pivot = rowJ[j];
            Parallel.For(
                j + 1,
                n,
                i =>
                {
                    var rowI = a.AsSpan((int)((long)i * n), n);
                    rowI[j] =
                        (rowI[j] - TensorPrimitives.Dot<double>(rowI[..j], a.AsSpan((int)((long)j * n), j))) / pivot;
                }
            );
        }

        // Lᵀ row-major (row i holds column i of L from the diagonal down), for contiguous backward substitution.
        var upper = new double[(long)n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                upper[((long)j * n) + i] = a[((long)i * n) + j];
            }
        }

        var inverse = new double[(long)n * n];
        Parallel.For(
            0,
            n,
            () => (Y: new double[n], X: new double[n]),
            (column, _, buffers) =>
            {
                var (y, x) = buffers;
                for (var i = 0; i < n; i++)
                {
                    var rowI = a.AsSpan((int)((long)i * n), n);
                    y[i] =
                        ((i == column ? 1.0 : 0.0) - TensorPrimitives.Dot<double>(rowI[..i], y.AsSpan(0, i))) / rowI[i];
                }

                for (var i = n - 1; i >= 0; i--)
                {
                    var rowI = upper.AsSpan((int)((long)i * n), n);
                    x[i] = (y[i] - TensorPrimitives.Dot<double>(rowI[(i + 1)..], x.AsSpan(i + 1))) / rowI[i];
                }

                // A⁻¹ is symmetric: its column is its row.
                x.AsSpan().CopyTo(inverse.AsSpan((int)((long)column * n), n));
                return buffers;
            },
            _ => { }
        );
        return inverse;
    }
}
