namespace RecServices.Training.Model;

/// <summary>
/// The served popularity term of <see cref="PopularityPenalty"/> for one bundle: V_u's last component is
/// −<see cref="Beta"/>, V_m's is <see cref="ItemComponent"/>[m] = log(1 + n_m) with n_m counted on the data the
/// bundle was trained on.
/// </summary>
public sealed record PopularityTerm(double Beta, float[] ItemComponent)
{
    /// <summary>The user side of the term as one vector component.</summary>
    public float UserComponent => (float)-Beta;

    /// <summary>
    /// The term for <paramref name="beta"/> over <paramref name="counts"/>, or null when β is 0 (no term, the
    /// vectors are the towers' alone).
    /// </summary>
    public static PopularityTerm? For(double beta, IReadOnlyList<int> counts) =>
        beta == 0 ? null : new(beta, PopularityPenalty.ItemComponent(counts));

    /// <summary>
    /// Appends the user component to each of <paramref name="rows"/> vectors of <paramref name="width"/> values.
    /// </summary>
    public float[] AppendUser(float[] vectors, int rows, int width) => Append(vectors, rows, width, _ => UserComponent);

    /// <summary>Appends each item's component to the [itemCount × <paramref name="width"/>] item vectors.</summary>
    public float[] AppendItems(float[] vectors, int width) =>
        Append(vectors, ItemComponent.Length, width, m => ItemComponent[m]);

    private static float[] Append(float[] vectors, int rows, int width, Func<int, float> component)
    {
        var result = new float[checked(rows * (width + 1))];
        for (var r = 0; r < rows; r++)
        {
            vectors.AsSpan(r * width, width).CopyTo(result.AsSpan(r * (width + 1)));
            result[(r * (width + 1)) + width] = component(r);
        }

        return result;
    }
}
