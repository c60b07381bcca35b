using System.Buffers;
using System.Numerics.Tensors;

namespace RecServices.Training.Nn;

/// <summary>
/// Row-major dense kernels on <see cref="TensorPrimitives"/> (SIMD), split over the cores by output rows
/// or columns so that every output element is computed by one thread in a fixed order: results are
/// identical from run to run.
/// </summary>
internal static class MatrixOps
{
    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>y[r] = b + x[r] · W for x [rows × inDim], W [inDim × outDim].</summary>
    public static void Linear(float[] x, int rows, int inDim, float[] w, float[] b, int outDim, float[] y)
    {
        for (var r = 0; r < rows; r++)
        {
            b.AsSpan(0, outDim).CopyTo(y.AsSpan(r * outDim, outDim));
        }

        Gemm.Multiply(x, rows, inDim, w, outDim, y, accumulate: true);
    }

    /// <summary>
    /// Accumulates dW += xᵀ·dy and db += Σ dy, and, when <paramref name="dx"/> is given, writes the gradient of
    /// the first <paramref name="dxColumns"/> input columns, dx [rows × dxColumns] = dy·W[..dxColumns]ᵀ
    /// (inputs past them, such as fixed features, need none).
    /// </summary>
    public static void LinearBackward(
        float[] x,
        float[] dy,
        int rows,
        int inDim,
        int outDim,
        float[] w,
        float[] dW,
        float[] db,
        float[]? dx,
        int dxColumns
    )
    {
        var xt = RentTranspose(x, rows, inDim);
        Gemm.Multiply(xt, inDim, rows, dy, outDim, dW, accumulate: true);
        ArrayPool<float>.Shared.Return(xt);

        var dbSpan = db.AsSpan(0, outDim);
        for (var r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(dbSpan, dy.AsSpan(r * outDim, outDim), dbSpan);
        }

        if (dx is not null)
        {
            var wt = RentTranspose(w, dxColumns, outDim);
            Gemm.Multiply(dy, rows, outDim, wt, dxColumns, dx, accumulate: false);
            ArrayPool<float>.Shared.Return(wt);
        }
    }

    /// <summary>c[r, j] = a[r] · b[j] for a [rows × dim], b [cols × dim].</summary>
    public static void MultiplyTransposed(float[] a, int rows, float[] b, int cols, int dim, float[] c)
    {
        var bt = RentTranspose(b, cols, dim);
        Gemm.Multiply(a, rows, dim, bt, cols, c, accumulate: false);
        ArrayPool<float>.Shared.Return(bt);
    }

    /// <summary>Backward of <see cref="MultiplyTransposed"/>: da = dc·b and db = dcᵀ·a (both overwritten).</summary>
    public static void MultiplyTransposedBackward(
        float[] a,
        int rows,
        float[] b,
        int cols,
        int dim,
        float[] dc,
        float[] da,
        float[] db
    )
    {
        Gemm.Multiply(dc, rows, cols, b, dim, da, accumulate: false);
        var dct = RentTranspose(dc, rows, cols);
        Gemm.Multiply(dct, cols, rows, a, dim, db, accumulate: false);
        ArrayPool<float>.Shared.Return(dct);
    }

    /// <summary>
    /// The transpose of m [rows × cols] in a pooled buffer (return it to <see cref="ArrayPool{T}.Shared"/>).
    /// </summary>
    public static float[] RentTranspose(float[] m, int rows, int cols)
    {
        var t = ArrayPool<float>.Shared.Rent(rows * cols);
        ForRanges(
            cols,
            (start, end) =>
            {
                for (var c = start; c < end; c++)
                {
                    var column = t.AsSpan(c * rows, rows);
                    for (var r = 0; r < rows; r++)
                    {
                        column[r] = m[(r * cols) + c];
                    }
                }
            }
        );
        return t;
    }

    /// <summary>Runs <paramref name="body"/> over [0, count) in contiguous ranges on all cores.</summary>
    public static void ForRanges(int count, Action<int, int> body)
    {
        var workers = Math.Min(Environment.ProcessorCount * 4, Math.Max(1, count / 16));
        if (workers <= 1)
        {
            body(0, count);
            return;
        }

        var chunk = (count + workers - 1) / workers;
        Parallel.For(
            0,
            workers,
            Parallelism,
            w =>
            {
                var start = w * chunk;
                var end = Math.Min(count, start + chunk);
                if (start < end)
                {
                    body(start, end);
                }
            }
        );
    }
}
