using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Core.Bundles;
using RecServices.Serving.Inference;
using RecServices.Serving.Wire;

namespace RecServices.FunctionalTests;

/// <summary>
/// The embedding source as the retrieval host serves it (Recs:EmbeddingQuota), against the model computed here.
/// </summary>
public sealed class EmbeddingSourceTests
{
    [Fact]
    public async Task GetCandidates_WithTheEmbeddingSource_ProposesTheTopUnseenItemsByTheUsersModelScoreFirst()
    {
        const int Quota = 15;
        var bundle = Bundle.Load(TestBundle.Path);
        await using var system = await ServiceSystem.StartAsync(
            TestBundle.Path,
            hostArgs: [$"--Recs:EmbeddingQuota={Quota}"],
            inMemory: true
        );
        var u = 11;
        var user = bundle.Users![u];
        var history = TestBundle.Histories(bundle).Of(u).ToArray();
        var request = new GetCandidatesRequest
        {
            Age = user.Age ?? 0,
            Gender = user.Gender ?? string.Empty,
            // oldest first: the history the tower reads
            ExcludedItems = ItemReferences.OfIds(history.Select(i => bundle.Catalog.Items[i].Id)),
        };

        var response = await system.RetrievalClient.GetCandidatesAsync(request).ResponseAsync.WithTimeout();

        // Expected: V_u from the ONNX user tower here; the bundle's index probes the partitions whose centroids score
        // highest; every unseen item in them scored by V_u · V_m, the top 15.
        var features = TestBundle.Features(bundle);
        using var tower = new UserTowerModel(
            bundle.UserTowerPath,
            bundle.Manifest.Schema,
            bundle.Manifest.Towers.Output
        );
        var (items, weights, dense) = (
            new long[features.HistoryLength],
            new float[features.HistoryLength],
            new float[features.Width]
        );
        features.Fill(history, user.Age, user.Gender, items, weights, dense);
        var v = new float[tower.OutputWidth];
        tower.Run(1, items, weights, dense, v);
        var seen = history.ToHashSet();
        var index = bundle.Index!;
        var probed = Enumerable
            .Range(0, index.Partitions)
            .OrderByDescending(p =>
                System.Numerics.Tensors.TensorPrimitives.Dot<float>(v, index.Centroids.Slice(p * v.Length, v.Length))
            )
            .Take(index.Probes)
            .SelectMany(p => index.Items[index.Offsets[p]..index.Offsets[p + 1]].ToArray());
        var expected = probed
            .Where(i => !seen.Contains(i))
            .Select(i =>
                (
                    Id: bundle.Catalog.Items[i].Id,
                    Score: System.Numerics.Tensors.TensorPrimitives.Dot(v, bundle.Vectors!.Row(i))
                )
            )
            .OrderByDescending(c => c.Score)
            .ThenBy(c => bundle.Catalog.Index[c.Id])
            .Take(Quota)
            .ToList();

        // The embedding source runs first, so its items lead the candidates, best first, each with its score.
        Assert.Equal(expected.Select(e => e.Id), response.Candidates.Ids.Ids.Take(Quota));
        for (var i = 0; i < Quota; i++)
        {
            var (start, _) = response.SourceRange(i);
            Assert.Equal(SourceKind.Embedding, response.SourceKinds[start]);
            Assert.Equal(string.Empty, response.SourceKey(start));
            Assert.Equal(expected[i].Score, response.SourceScores[start], 3);
        }

        Assert.Equal(Quota, response.SourceKinds.Count(k => k == SourceKind.Embedding));
        Assert.DoesNotContain(response.Candidates.Ids.Ids, id => seen.Contains(bundle.Catalog.Index[id]));
    }

    [Fact]
    public async Task GetCandidates_InvalidProfile_IsInvalidArgumentNamingTheField()
    {
        await using var system = await ServiceSystem.StartAsync(
            TestBundle.Path,
            hostArgs: ["--Recs:EmbeddingQuota=5"],
            inMemory: true
        );

        var age = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            system
                .RetrievalClient.GetCandidatesAsync(new GetCandidatesRequest { Age = 200 })
                .ResponseAsync.WithTimeout()
        );
        var gender = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            system
                .RetrievalClient.GetCandidatesAsync(new GetCandidatesRequest { Gender = "X" })
                .ResponseAsync.WithTimeout()
        );

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, age.StatusCode);
        Assert.Contains("age", age.Status.Detail);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, gender.StatusCode);
        Assert.Contains("gender", gender.Status.Detail);
    }
}
