using System.Numerics.Tensors;

namespace RecServices.Training.Nn;

/// <summary>
/// Row-major dense kernels on <see cref="TensorPrimitives"/> (SIMD), split over the cores by output rows
/// or columns so that every output element is computed by one thread in a fixed order: results are
/// identical from run to run.
/// </summary>
public static class MatrixOps
{
    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>y[r] = b + x[r] · W for x [rows × inDim], W [inDim × outDim].</summary>
    public static void Linear(float[] x, int rows, int inDim, float[] w, float[] b, int outDim, float[] y) =>
        ForRanges(rows, (start, end) =>
        {
            for (var r = start; r < end; r++)
            {
                var yr = y.AsSpan(r * outDim, outDim);
                b.AsSpan(0, outDim).CopyTo(yr);
                var xr = x.AsSpan(r * inDim, inDim);
                for (var k = 0; k < inDim; k++)
                {
                    var xk = xr[k];
                    if (xk != 0)
                    {
                        TensorPrimitives.MultiplyAdd(w.AsSpan(k * outDim, outDim), xk, yr, yr);
                    }
                }
            }
        });

    /// <summary>Accumulates dW += xᵀ·dy and db += Σ dy, and writes dx = dy·Wᵀ when <paramref name="dx"/> is given.</summary>
    public static void LinearBackward(float[] x, float[] dy, int rows, int inDim, int outDim, float[] w, float[] dW, float[] db, float[]? dx)
    {
        ForRanges(inDim, (start, end) =>
        {
            for (var k = start; k < end; k++)
            {
                var dWk = dW.AsSpan(k * outDim, outDim);
                for (var r = 0; r < rows; r++)
                {
                    var xk = x[(r * inDim) + k];
                    if (xk != 0)
                    {
                        TensorPrimitives.MultiplyAdd(dy.AsSpan(r * outDim, outDim), xk, dWk, dWk);
                    }
                }
            }
        });

        var dbSpan = db.AsSpan(0, outDim);
        for (var r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(dbSpan, dy.AsSpan(r * outDim, outDim), dbSpan);
        }

        if (dx is null)
        {
            return;
        }

        ForRanges(rows, (start, end) =>
        {
            for (var r = start; r < end; r++)
            {
                var dyr = dy.AsSpan(r * outDim, outDim);
                var dxr = dx.AsSpan(r * inDim, inDim);
                for (var k = 0; k < inDim; k++)
                {
                    dxr[k] = TensorPrimitives.Dot(dyr, w.AsSpan(k * outDim, outDim));
                }
            }
        });
    }

    /// <summary>c[r, j] = a[r] · b[j] for a [rows × dim], b [cols × dim].</summary>
    public static void MultiplyTransposed(float[] a, int rows, float[] b, int cols, int dim, float[] c) =>
        ForRanges(rows, (start, end) =>
        {
            for (var r = start; r < end; r++)
            {
                var ar = a.AsSpan(r * dim, dim);
                var cr = c.AsSpan(r * cols, cols);
                for (var j = 0; j < cols; j++)
                {
                    cr[j] = TensorPrimitives.Dot(ar, b.AsSpan(j * dim, dim));
                }
            }
        });

    /// <summary>Backward of <see cref="MultiplyTransposed"/>: da = dc·b and db = dcᵀ·a (both overwritten).</summary>
    public static void MultiplyTransposedBackward(float[] a, int rows, float[] b, int cols, int dim, float[] dc, float[] da, float[] db)
    {
        ForRanges(rows, (start, end) =>
        {
            for (var r = start; r < end; r++)
            {
                var dar = da.AsSpan(r * dim, dim);
                dar.Clear();
                var dcr = dc.AsSpan(r * cols, cols);
                for (var j = 0; j < cols; j++)
                {
                    if (dcr[j] != 0)
                    {
                        TensorPrimitives.MultiplyAdd(b.AsSpan(j * dim, dim), dcr[j], dar, dar);
                    }
                }
            }
        });

        ForRanges(cols, (start, end) =>
        {
            for (var j = start; j < end; j++)
            {
                var dbj = db.AsSpan(j * dim, dim);
                dbj.Clear();
                for (var r = 0; r < rows; r++)
                {
                    var g = dc[(r * cols) + j];
                    if (g != 0)
                    {
                        TensorPrimitives.MultiplyAdd(a.AsSpan(r * dim, dim), g, dbj, dbj);
                    }
                }
            }
        });
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
        Parallel.For(0, workers, Parallelism, w =>
        {
            var start = w * chunk;
            var end = Math.Min(count, start + chunk);
            if (start < end)
            {
                body(start, end);
            }
        });
    }
}
