using Google.Protobuf.Reflection;
using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Ranking.V1;
using RecServices.Contracts.Retrieval.V1;

namespace RecServices.Contracts.Tests;

/// <summary>
/// The contracts: buf lint, buf breaking against the released image (and that it bites), the gateway's public shape,
/// versioned packages.
/// </summary>
public sealed class ProtoContractTests
{
    [BufFact]
    public async Task BufLint_Standard_IsClean()
    {
        var (code, output) = await ExternalTools.RunAsync(ExternalTools.Buf!, ["lint", Protos]);

        Assert.True(code == 0, "buf lint found problems:\n" + output);
    }

    /// <summary>
    /// The contracts as last released (<c>protos/released/v1.binpb</c>, a buf image): no change may break a client
    /// built against it.
    /// </summary>
    [BufFact]
    public async Task BufBreaking_AgainstTheReleasedContracts_IsClean()
    {
        var (code, output) = await ExternalTools.RunAsync(
            ExternalTools.Buf!,
            ["breaking", Protos, "--against", ReleasedImage]
        );

        Assert.True(
            code == 0,
            "buf breaking: the contracts no longer accept what released clients send or expect:\n" + output
        );
    }

    /// <summary>
    /// The check bites: a copy of the contracts with one field's type changed fails it, buf naming the field.
    /// </summary>
    [BufFact]
    public async Task BufBreaking_AFieldsTypeChanged_FailsNamingTheField()
    {
        var copy = Path.Combine(Path.GetTempPath(), "recs-protos-" + Guid.NewGuid().ToString("N"));
        CopyDirectory(Protos, copy);
        try
        {
            var gateway = Path.Combine(copy, "recservices", "gateway", "v1", "gateway_service.proto");
            var text = await File.ReadAllTextAsync(gateway);
            Assert.Contains("int32 count = 2;", text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(
                gateway,
                text.Replace("int32 count = 2;", "int64 count = 2;", StringComparison.Ordinal)
            );

            var (code, output) = await ExternalTools.RunAsync(
                ExternalTools.Buf!,
                ["breaking", copy, "--against", ReleasedImage]
            );

            Assert.NotEqual(0, code);
            Assert.Contains("count", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void GatewayContract_KeepsThePublicShape()
    {
        var service = GatewayServiceReflection.Descriptor.FindTypeByName<ServiceDescriptor>("GatewayService");
        var recommend = service.FindMethodByName("Recommend");
        var record = service.FindMethodByName("RecordInteraction");

        Assert.Equal("recservices.gateway.v1", GatewayServiceReflection.Descriptor.Package);
        Assert.True(recommend.IsServerStreaming);
        Assert.False(recommend.IsClientStreaming);
        Assert.False(record.IsServerStreaming);
        // the released fields keep their numbers; later ones are additive (exclude_item_ids: issue 32)
        Assert.Equal(
            ["user_id", "count", "exclude_item_ids"],
            RecommendRequest.Descriptor.Fields.InFieldNumberOrder().Select(f => f.Name)
        );
        Assert.Superset(
            new HashSet<string> { "item_id", "title", "score", "rank", "sources", "degraded" },
            RecommendResponse.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name).ToHashSet()
        );
        Assert.Equal(
            [
                "INTERACTION_KIND_UNSPECIFIED",
                "INTERACTION_KIND_WATCHED",
                "INTERACTION_KIND_PURCHASED",
                "INTERACTION_KIND_RATED",
            ],
            InteractionKindReflection(GatewayServiceReflection.Descriptor)
        );
    }

    [Fact]
    public void EveryContract_IsVersionedAndNamespaced()
    {
        foreach (
            var file in new[]
            {
                GatewayServiceReflection.Descriptor,
                RetrievalServiceReflection.Descriptor,
                RankingServiceReflection.Descriptor,
                Contracts.Retrieval.V2.RetrievalServiceReflection.Descriptor,
                Contracts.Ranking.V2.RankingServiceReflection.Descriptor,
            }
        )
        {
            Assert.Matches(@"^recservices\.[a-z]+\.v[12]$", file.Package);
            Assert.Single(file.Services);
            foreach (var method in file.Services[0].Methods)
            {
                Assert.Equal(method.Name + "Request", method.InputType.Name);
                Assert.Equal(method.Name + "Response", method.OutputType.Name);
            }
        }
    }

    [Fact]
    public void TheSharedSourceKind_NumbersItsValuesAsRetrievalV1_WhichServesThemByCast()
    {
        var shared = GatewayServiceReflection.Descriptor.EnumTypes.Single(e => e.Name == "SourceKind");
        var v1 = RetrievalServiceReflection.Descriptor.EnumTypes.Single(e => e.Name == "SourceKind");

        // every v1 value but the deprecated genre kind (no longer sent), under the same name and number
        Assert.Equal(
            v1.Values.Where(v => v.Name != "SOURCE_KIND_GENRE").Select(v => (v.Name, v.Number)).Order(),
            shared.Values.Select(v => (v.Name, v.Number)).Order()
        );
        Assert.Null(shared.FindValueByNumber(2)); // reserved: genre's number is never reused
    }

    private static string Protos => Path.Combine(ExternalTools.RepositoryRoot, "protos");

    private static string ReleasedImage => Path.Combine(Protos, "released", "v1.binpb");

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static IEnumerable<string> InteractionKindReflection(FileDescriptor file) =>
        file.EnumTypes.Single(e => e.Name == "InteractionKind").Values.Select(v => v.Name);
}
