using RecServices.Cli.Commands;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Training.Evaluation;

namespace RecServices.FunctionalTests;

public sealed class EvaluationViaGrpcTests
{
    [Fact]
    public async Task Evaluate_ThroughTheRunningServices_GivesTheSameListsAsInProcess()
    {
        var work = Directory.CreateTempSubdirectory("recs-eval-grpc-").FullName;
        try
        {
            var data = SyntheticDataset.Generate(TestBundle.Data with { Seed = 5 });
            var (inProcess, lists) = new ProtocolEvaluator(TestBundle.Options, _ => { }).Run(data, work);
            var bundle = Bundle.Load(Path.Combine(work, "bundle"), BundleParts.Core);
            var (train, test, _) = EvaluateCommand.Split(data);
            await using var system = await ServiceSystem.StartAsync(Path.Combine(work, "bundle"));

            var fetched = await GatewayLists.FetchAsync($"http://127.0.0.1:{system.GatewayPorts.Grpc}", data.WithInteractions(train), bundle, ProtocolEvaluator.UsersOf(test), 10, CancellationToken.None).WithTimeout(TimeSpan.FromMinutes(3));
            var viaGrpc = ProtocolEvaluator.ScoreLists(data, train, test, 10, fetched);

            Assert.Equal(lists.Count, viaGrpc.Lists.Count);
            Assert.Equal(lists.Select(l => (l.User, string.Join(",", l.Items))), viaGrpc.Lists.Select(l => (l.User, string.Join(",", l.Items))));
            Assert.Equal(inProcess.Rows[ProtocolEvaluator.Served]["ndcg@10"], viaGrpc.Rows[ProtocolEvaluator.Served]["ndcg@10"], 12);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
