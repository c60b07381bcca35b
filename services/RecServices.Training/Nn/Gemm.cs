using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RecServices.Training.Nn;

/// <summary>
/// Row-major single-precision matrix multiply C = A·B (or C += A·B) with a register-blocked AVX kernel:
/// 4 rows × 16 columns of C live in eight 256-bit accumulators while k runs, so every loaded B vector
/// feeds four fused multiply-adds. Work is split by blocks of C's rows; each element of C is computed by
/// one thread in a fixed order, so results are identical from run to run.
/// </summary>
internal static class Gemm
{
    /// <summary>C[m × n] (+)= A[m × k] · B[k × n].</summary>
    public static void Multiply(float[] a, int m, int k, float[] b, int n, float[] c, bool accumulate)
    {
        if (a.Length < m * k || b.Length < k * n || c.Length < m * n)
        {
            throw new ArgumentException("matrix buffers are smaller than their shapes");
        }

        var blocks = (m + 3) / 4;
        MatrixOps.ForRanges(
            blocks,
            (start, end) =>
            {
                for (var block = start; block < end; block++)
                {
                    var row = block * 4;
                    if (row + 4 <= m && Vector256.IsHardwareAccelerated)
                    {
                        FourRows(a, row, k, b, n, c, accumulate);
                    }
                    else
                    {
                        for (var r = row; r < Math.Min(m, row + 4); r++)
                        {
                            OneRow(a, r, k, b, n, c, accumulate);
                        }
                    }
                }
            }
        );
    }

    private static void FourRows(float[] a, int row, int k, float[] b, int n, float[] c, bool accumulate)
    {
        ref var pa = ref MemoryMarshal.GetArrayDataReference(a);
        ref var pb = ref MemoryMarshal.GetArrayDataReference(b);
        ref var pc = ref MemoryMarshal.GetArrayDataReference(c);
        var a0 = row * k;
        var a1 = a0 + k;
        var a2 = a1 + k;
        var a3 = a2 + k;
        var c0 = (nuint)(row * n);
        var c1 = c0 + (nuint)n;
        var c2 = c1 + (nuint)n;
        var c3 = c2 + (nuint)n;
        var j = 0;
        for (; j + 16 <= n; j += 16)
        {
            var uj = (nuint)j;
            Vector256<float> x00,
                x01,
                x10,
                x11,
                x20,
                x21,
                x30,
                x31;
            if (accumulate)
            {
                x00 = Vector256.LoadUnsafe(ref pc, c0 + uj);
                x01 = Vector256.LoadUnsafe(ref pc, c0 + uj + 8);
                x10 = Vector256.LoadUnsafe(ref pc, c1 + uj);
                x11 = Vector256.LoadUnsafe(ref pc, c1 + uj + 8);
                x20 = Vector256.LoadUnsafe(ref pc, c2 + uj);
                x21 = Vector256.LoadUnsafe(ref pc, c2 + uj + 8);
                x30 = Vector256.LoadUnsafe(ref pc, c3 + uj);
                x31 = Vector256.LoadUnsafe(ref pc, c3 + uj + 8);
            }
            else
            {
                x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = Vector256<float>.Zero;
            }

            for (var p = 0; p < k; p++)
            {
                var bp = (nuint)((p * n) + j);
                var b0 = Vector256.LoadUnsafe(ref pb, bp);
                var b1 = Vector256.LoadUnsafe(ref pb, bp + 8);
                var v0 = Vector256.Create(Unsafe.Add(ref pa, a0 + p));
                var v1 = Vector256.Create(Unsafe.Add(ref pa, a1 + p));
                var v2 = Vector256.Create(Unsafe.Add(ref pa, a2 + p));
                var v3 = Vector256.Create(Unsafe.Add(ref pa, a3 + p));
                x00 = Fma256(v0, b0, x00);
                x01 = Fma256(v0, b1, x01);
                x10 = Fma256(v1, b0, x10);
                x11 = Fma256(v1, b1, x11);
                x20 = Fma256(v2, b0, x20);
                x21 = Fma256(v2, b1, x21);
                x30 = Fma256(v3, b0, x30);
                x31 = Fma256(v3, b1, x31);
            }

            x00.StoreUnsafe(ref pc, c0 + uj);
            x01.StoreUnsafe(ref pc, c0 + uj + 8);
            x10.StoreUnsafe(ref pc, c1 + uj);
            x11.StoreUnsafe(ref pc, c1 + uj + 8);
            x20.StoreUnsafe(ref pc, c2 + uj);
            x21.StoreUnsafe(ref pc, c2 + uj + 8);
            x30.StoreUnsafe(ref pc, c3 + uj);
            x31.StoreUnsafe(ref pc, c3 + uj + 8);
        }

        if (j < n)
        {
            for (var r = row; r < row + 4; r++)
            {
                Tail(a, r, k, b, n, c, accumulate, j);
            }
        }
    }

    private static void OneRow(float[] a, int r, int k, float[] b, int n, float[] c, bool accumulate) =>
        Tail(a, r, k, b, n, c, accumulate, 0);

    /// <summary>Columns [from, n) of row r, one 8-wide vector (then scalars) at a time.</summary>
    private static void Tail(float[] a, int r, int k, float[] b, int n, float[] c, bool accumulate, int from)
    {
        var j = from;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var pb = ref MemoryMarshal.GetArrayDataReference(b);
            ref var pc = ref MemoryMarshal.GetArrayDataReference(c);
            for (; j + 8 <= n; j += 8)
            {
                var at = (nuint)((r * n) + j);
                var x = accumulate ? Vector256.LoadUnsafe(ref pc, at) : Vector256<float>.Zero;
                for (var p = 0; p < k; p++)
                {
                    x = Fma256(Vector256.Create(a[(r * k) + p]), Vector256.LoadUnsafe(ref pb, (nuint)((p * n) + j)), x);
                }

                x.StoreUnsafe(ref pc, at);
            }
        }

        for (; j < n; j++)
        {
            var sum = accumulate ? c[(r * n) + j] : 0f;
            for (var p = 0; p < k; p++)
            {
                sum = MathF.FusedMultiplyAdd(a[(r * k) + p], b[(p * n) + j], sum);
            }

            c[(r * n) + j] = sum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fma256(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;
}
