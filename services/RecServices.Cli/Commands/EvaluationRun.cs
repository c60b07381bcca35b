using RecServices.Core.Data;
using RecServices.Training.Bundling;
using RecServices.Training.Model;

namespace RecServices.Cli.Commands;

/// <summary>
/// What <c>recs evaluate</c> and <c>recs sweep</c> both start from: the build settings they train with (the given
/// epochs, the settings search and the popularity penalty as asked; checked before any data is read), the dataset,
/// and the output directory (created).
/// </summary>
internal sealed record EvaluationRun(BuildOptions Build, Dataset Dataset, string Directory)
{
    public static async Task<EvaluationRun> PrepareAsync(
        int epochs,
        double itemIdDropout,
        int searchTrials,
        string penalty,
        string data,
        string directory,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var build = new BuildOptions
        {
            Training = new TrainingOptions { Epochs = epochs, ItemIdDropout = itemIdDropout },
            SearchTrials = SearchOption.Read(searchTrials),
            PopularityPenalty = PopularityPenaltyOption.Read(penalty),
        };
        build.Training.Validate();
        var dataset = await DataSource.LoadAsync(
            data,
            new SyntheticOptions(),
            strict: false,
            output,
            cancellationToken
        );
        var path = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(path);
        return new EvaluationRun(build, dataset, path);
    }
}
