using System.Globalization;
using RecServices.Cli.Commands;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Evaluation;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Retrieval;

namespace RecServices.FunctionalTests;

/// <summary>One source of truth: the lists the running services give equal the evaluator's in process.</summary>
public sealed class EvaluationViaGrpcTests
{
    /// <summary>
    /// The evaluator's lists are the services' lists. With a history limit below the users' history lengths, the
    /// gateway sends retrieval only the newest items to exclude and filters older seen items after it; the
    /// evaluator must do the same.
    /// </summary>
    [Theory]
    [InlineData(TwoStagePipeline.DefaultHistoryLimit, RetrievalOptions.DefaultScale)]
    // quotas shorter than the top lists, so an older seen item retrieval proposes takes a quota's place
    [InlineData(12, 0.5)]
    // with the embedding source: retrieval runs the user tower
    [InlineData(TwoStagePipeline.DefaultHistoryLimit, 1, 20)]
    public async Task Evaluate_ThroughTheRunningServices_GivesTheSameListsAsInProcess(
        int historyLimit,
        double quotaScale,
        int embeddingQuota = 0
    )
    {
        var work = Directory.CreateTempSubdirectory("recs-eval-grpc-").FullName;
        try
        {
            var data = SyntheticDataset.Generate(TestBundle.Data with { Seed = 5 });
            var (inProcess, lists) = new ProtocolEvaluator(TestBundle.Options, _ => { }, historyLimit).Run(
                data,
                work,
                quotaScale: quotaScale,
                embeddingQuota: embeddingQuota
            );
            var bundle = Bundle.Load(Path.Combine(work, "bundle"), BundleParts.Core);
            var (train, test, _) = EvaluateCommand.Split(data);
            await using var system = await ServiceSystem.StartAsync(
                Path.Combine(work, "bundle"),
                [$"--Recs:HistoryLimit={historyLimit}"],
                hostArgs:
                [
                    string.Create(CultureInfo.InvariantCulture, $"--Recs:QuotaScale={quotaScale}"),
                    $"--Recs:EmbeddingQuota={embeddingQuota}",
                ]
            );

            var fetched = await GatewayLists
                .FetchAsync(
                    system.GatewayPorts.GrpcAddress,
                    data.WithInteractions(train),
                    bundle,
                    ProtocolEvaluator.UsersOf(test),
                    10,
                    CancellationToken.None
                )
                .WithTimeout(TimeSpan.FromMinutes(3));
            var viaGrpc = ProtocolEvaluator.ScoreLists(data, train, test, 10, fetched);

            Assert.Equal(lists.Count, viaGrpc.Lists.Count);
            Assert.Equal(
                lists.Select(l => (l.User, string.Join(",", l.Items))),
                viaGrpc.Lists.Select(l => (l.User, string.Join(",", l.Items)))
            );
            Assert.Equal(
                inProcess.Rows[ProtocolEvaluator.Served]["ndcg@10"],
                viaGrpc.Rows[ProtocolEvaluator.Served]["ndcg@10"],
                12
            );
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
