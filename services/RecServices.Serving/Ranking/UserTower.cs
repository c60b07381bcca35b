using System.Buffers;
using RecServices.Core.Bundles;
using RecServices.Core.Features;
using RecServices.Serving.Inference;

namespace RecServices.Serving.Ranking;

/// <summary>
/// V_u for a user: the user tower's inputs built from the profile (<see cref="UserFeatures"/>) and the bundle's ONNX
/// user tower run once. Ranking scores candidates with it; retrieval's embedding source searches the embedding index
/// with it. Buffers come from <see cref="ArrayPool{T}"/>. Thread-safe.
/// </summary>
public sealed class UserTower : IDisposable
{
    private readonly UserTowerModel _model;
    private readonly UserFeatures _features;
    private readonly int _items;

    public UserTower(Bundle bundle, int threads = 1)
    {
        _model = new UserTowerModel(
            bundle.UserTowerPath,
            bundle.Manifest.Schema,
            bundle.Manifest.Towers.Output,
            threads
        );
        _features = new UserFeatures(bundle.Manifest.Schema, bundle.Catalog.ItemCategories);
        _items = bundle.Catalog.Count;
    }

    /// <summary>Width of V_u.</summary>
    public int OutputWidth => _model.OutputWidth;

    /// <summary>Writes V_u into <paramref name="output"/> (length = <see cref="OutputWidth"/>).</summary>
    public void Vector(UserProfile user, Span<float> output)
    {
        var h = _features.HistoryLength;
        var items = ArrayPool<long>.Shared.Rent(h);
        var weights = ArrayPool<float>.Shared.Rent(h);
        var features = ArrayPool<float>.Shared.Rent(_features.Width);
        var vector = ArrayPool<float>.Shared.Rent(_model.OutputWidth);
        try
        {
            _features.Fill(
                Trained(user.History),
                user.Age,
                user.Gender,
                items.AsSpan(0, h),
                weights.AsSpan(0, h),
                features.AsSpan(0, _features.Width)
            );
            _model.Run(
                1,
                items.AsMemory(0, h),
                weights.AsMemory(0, h),
                features.AsMemory(0, _features.Width),
                vector.AsMemory(0, _model.OutputWidth)
            );
            vector.AsSpan(0, _model.OutputWidth).CopyTo(output);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(items);
            ArrayPool<float>.Shared.Return(weights);
            ArrayPool<float>.Shared.Return(features);
            ArrayPool<float>.Shared.Return(vector);
        }
    }

    /// <summary>
    /// The history the tower was trained to read: items added through the catalog service since the bundle was built
    /// have no history embedding, and are left out until a bundle learns them.
    /// </summary>
    private int[] Trained(int[] history)
    {
        foreach (var item in history)
        {
            if (item >= _items)
            {
                return Array.FindAll(history, i => i < _items);
            }
        }

        return history;
    }

    public void Dispose() => _model.Dispose();
}
