using RecServices.Core.Data;

namespace RecServices.Datasets;

/// <summary>
/// Loads a dataset folder, detecting its format: the table format (an <c>interactions</c> table, docs/data.md) or a
/// MovieLens layout (<see cref="DatasetLoader"/>).
/// </summary>
public static class DatasetReader
{
    public static async Task<(Dataset Dataset, DatasetReport? Report)> LoadAsync(
        string folder,
        bool strict,
        CancellationToken cancellationToken
    )
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"dataset folder '{folder}' does not exist");
        }

        if (TableFiles.Recognizes(folder))
        {
            return await TableDatasetReader.ReadAsync(folder, strict, cancellationToken);
        }

        if (strict)
        {
            throw new ArgumentException(
                "--strict applies to the table format (docs/data.md); this folder is MovieLens"
            );
        }

        return (DatasetLoader.Load(folder), null);
    }
}
