using Google.Protobuf.Reflection;
using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Ranking.V1;
using RecServices.Contracts.Retrieval.V1;

namespace RecServices.Contracts.Tests;

public sealed class ProtoContractTests
{
    [BufFact]
    public async Task BufLint_Standard_IsClean()
    {
        var (code, output) = await ExternalTools.RunAsync(ExternalTools.Buf!, ["lint", Path.Combine(ExternalTools.RepositoryRoot, "protos")]);

        Assert.True(code == 0, "buf lint found problems:\n" + output);
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
        Assert.Equal(["user_id", "count"], RecommendRequest.Descriptor.Fields.InFieldNumberOrder().Select(f => f.Name));
        Assert.Superset(new HashSet<string> { "item_id", "title", "score", "rank", "sources", "degraded" }, RecommendResponse.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name).ToHashSet());
        Assert.Equal(["INTERACTION_KIND_UNSPECIFIED", "INTERACTION_KIND_WATCHED", "INTERACTION_KIND_PURCHASED", "INTERACTION_KIND_RATED"],
            InteractionKindReflection(GatewayServiceReflection.Descriptor));
    }

    [Fact]
    public void EveryContract_IsVersionedAndNamespaced()
    {
        foreach (var file in new[] { GatewayServiceReflection.Descriptor, RetrievalServiceReflection.Descriptor, RankingServiceReflection.Descriptor })
        {
            Assert.Matches(@"^recservices\.[a-z]+\.v1$", file.Package);
            Assert.Single(file.Services);
            foreach (var method in file.Services[0].Methods)
            {
                Assert.Equal(method.Name + "Request", method.InputType.Name);
                Assert.Equal(method.Name + "Response", method.OutputType.Name);
            }
        }
    }

    private static IEnumerable<string> InteractionKindReflection(FileDescriptor file) =>
        file.EnumTypes.Single(e => e.Name == "InteractionKind").Values.Select(v => v.Name);
}
