using System.CommandLine;
using RecServices.Training.Bundling;

namespace RecServices.Cli.Commands;

/// <summary>The search budget option shared by train, evaluate and sweep.</summary>
internal static class SearchOption
{
    public static Option<int> Create() =>
        new("--search-trials")
        {
            Description =
                $"Trainings the hyperparameter search may run on the validation carve (weight decay, "
                + $"history dropout, learning rate, width; the given settings first); 1 takes the given "
                + $"settings as they are. Default {BuildOptions.DefaultSearchTrials}: about 3 × the time of "
                + $"one training with the refit.",
            DefaultValueFactory = _ => BuildOptions.DefaultSearchTrials,
        };

    public static int Read(int trials) =>
        trials is >= 1 and <= 50
            ? trials
            : throw new ArgumentException($"--search-trials must be 1 (no search) to 50; got {trials}");
}
