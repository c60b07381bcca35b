namespace RecServices.Training.Model;

/// <summary>
/// Several trained two-tower networks served as one: V_u and V_m are the members' vectors concatenated, so
/// V_u · V_m is the sum of the members' scores and the serving path (one dot product per item) does not change.
/// </summary>
internal static class TowerEnsemble
{
    /// <summary>Row-wise concatenation of the members' [rows × width_i] outputs into [rows × Σ width_i].</summary>
    public static float[] Concatenate(IReadOnlyList<float[]> parts, IReadOnlyList<int> widths, int rows)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var total = widths.Sum();
        var result = new float[checked(rows * total)];
        var offset = 0;
        for (var p = 0; p < parts.Count; p++)
        {
            var w = widths[p];
            for (var r = 0; r < rows; r++)
            {
                parts[p].AsSpan(r * w, w).CopyTo(result.AsSpan((r * total) + offset));
            }

            offset += w;
        }

        return result;
    }
}
