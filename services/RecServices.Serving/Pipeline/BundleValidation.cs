using RecServices.Core.Bundles;
using RecServices.Serving.Inference;

namespace RecServices.Serving.Pipeline;

/// <summary>
/// Everything a version must pass before it is promoted: every file's checksum, every table of every stage read and
/// checked against the manifest, and both ONNX towers opened by ONNX Runtime. Throws
/// <see cref="BundleFormatException"/> (or ONNX Runtime's error) naming the file.
/// </summary>
public static class BundleValidation
{
    public static BundleManifest Validate(string directory)
    {
        var bundle = Bundle.Load(directory, BundleParts.All);
        var manifest = bundle.Manifest;
        try
        {
            using var user = new UserTowerModel(bundle.UserTowerPath, manifest.Schema, manifest.Towers.Output);
            using var item = new ItemTowerModel(
                bundle.ItemTowerPath,
                manifest.Schema.ItemFeatureNames.Count,
                manifest.Towers.Output,
                1
            );
        }
        catch (Exception e)
            when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidOperationException or ArgumentException)
        {
            throw new BundleFormatException(
                Bundle.UserTowerFile + " / " + Bundle.ItemTowerFile,
                $"ONNX Runtime cannot run the towers: {e.Message}"
            );
        }

        return manifest;
    }
}
