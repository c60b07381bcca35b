using RecServices.Core.Bundles;
using RecServices.Core.Features;
using RecServices.Serving.Retrieval;

namespace RecServices.Serving.Inference;

/// <summary>
/// V_m for items a bundle was not trained on, from their metadata alone: the item tower inputs of
/// <see cref="ItemFeatures.NewItemRow"/> and the tower's new-item row (<see cref="FeatureSchema.NewItemRow"/>). The
/// ONNX session opens at the first item (a ranking replica that never sees one never loads the item tower). Thread-safe.
/// </summary>
public sealed class ItemEmbedder(Bundle bundle, int threads = 1) : IDisposable
{
    private readonly FeatureSchema _schema = bundle.Manifest.Schema;
    private readonly Lazy<ItemTowerModel> _model = new(() =>
        new ItemTowerModel(
            bundle.ItemTowerPath,
            bundle.Manifest.Schema.ItemFeatureNames.Count,
            bundle.Manifest.Towers.Output,
            threads
        )
    );

    /// <summary>Whether the bundle's item tower can embed new items (bundles built before it cannot).</summary>
    public bool CanEmbed => _schema.EmbedsNewItems;

    /// <summary>The width of V_m.</summary>
    public int Width => bundle.Manifest.Towers.Output;

    /// <summary>V_m of <paramref name="items"/>, [items × <see cref="Width"/>], row i for item i.</summary>
    public float[] Embed(IReadOnlyList<FreshItem> items)
    {
        if (!CanEmbed)
        {
            throw new InvalidOperationException(
                $"bundle {bundle.Manifest.Version}'s item tower has no new-item row; rebuild it with this release"
            );
        }

        const int Batch = 4096;
        var (width, features) = (Width, _schema.ItemFeatureNames.Count);
        var result = new float[items.Count * width];
        var rows = new long[Math.Min(Batch, Math.Max(1, items.Count))];
        Array.Fill(rows, (long)_schema.NewItemRow!.Value);
        var inputs = new float[rows.Length * features];
        for (var start = 0; start < items.Count; start += Batch)
        {
            var n = Math.Min(Batch, items.Count - start);
            for (var i = 0; i < n; i++)
            {
                var item = items[start + i];
                ItemFeatures.NewItemRow(
                    _schema,
                    item.Categories,
                    item.Year,
                    item.Attributes,
                    inputs.AsSpan(i * features, features)
                );
            }

            _model.Value.Run(
                n,
                rows.AsMemory(0, n),
                inputs.AsMemory(0, n * features),
                result.AsMemory(start * width, n * width)
            );
        }

        return result;
    }

    public void Dispose()
    {
        if (_model.IsValueCreated)
        {
            _model.Value.Dispose();
        }
    }
}
