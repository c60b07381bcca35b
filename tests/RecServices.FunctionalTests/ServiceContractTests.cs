using Grpc.Core;
using Microsoft.Extensions.Options;
using RecServices.Contracts.Ranking.V1;
using RecServices.Contracts.Retrieval.V1;

namespace RecServices.FunctionalTests;

public sealed class ServiceContractTests(SystemFixture fixture) : IClassFixture<SystemFixture>
{
    [Fact]
    public async Task RankCandidates_UnknownIds_AreReportedBackNotFatal()
    {
        var request = new RankCandidatesRequest { CandidateItemIds = { "i1", "no-such-item", "i2", "i3" }, HistoryItemIds = { "i4", "ghost" } };

        var responses = await ReadAllAsync(fixture.System.RankingClient.RankCandidates(request));

        Assert.Equal(["i1", "i2", "i3"], responses.Where(r => r.ItemId.Length > 0).Select(r => r.ItemId).Order());
        Assert.Equal([1, 2, 3], responses.Where(r => r.ItemId.Length > 0).Select(r => r.Rank));
        Assert.True(responses[0].Score >= responses[1].Score && responses[1].Score >= responses[2].Score);
        Assert.Equal(["no-such-item"], responses[^1].UnknownItemIds);
    }

    [Theory]
    [InlineData(-1, StatusCode.InvalidArgument, "top_count")]
    [InlineData(20_000, StatusCode.InvalidArgument, "top_count")]
    public async Task RankCandidates_BadTopCount_IsInvalidArgument(int top, StatusCode status, string field)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(fixture.System.RankingClient.RankCandidates(new RankCandidatesRequest { CandidateItemIds = { "i1" }, TopCount = top })));

        Assert.Equal(status, e.StatusCode);
        Assert.Contains(field, e.Status.Detail);
    }

    [Fact]
    public async Task GetCandidates_RequestCap_LowersTheCountWithinServerLimits()
    {
        var client = fixture.System.RetrievalClient;

        var five = await client.GetCandidatesAsync(new GetCandidatesRequest { MaxCandidateCount = 5, RecentItemIds = { "i1", "i2" } }).ResponseAsync.WithTimeout();
        var e = await Assert.ThrowsAsync<RpcException>(() => client.GetCandidatesAsync(new GetCandidatesRequest { MaxCandidateCount = 1_000_000 }).ResponseAsync.WithTimeout());

        Assert.Equal(5, five.ItemIds.Count);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("max_candidate_count must be between 0 and 5000", e.Status.Detail);
    }

    [Fact]
    public void Gateway_MissingSettings_RefusesToStartNamingThem()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Gateway.GatewayApp.Build(["--Recs:GrpcPort=1", "--Recs:HttpPort=1"]));

        Assert.Contains("Recs:BundlePath is required", e.Message);
        Assert.Contains("Recs:RetrievalAddress is required", e.Message);
        Assert.Contains("Recs:UserStorePath is required", e.Message);
        Assert.Contains("Recs:GrpcPort and Recs:HttpPort must differ", e.Message);
    }

    [Theory]
    [InlineData("--Recs:RetrievalAddress=retrieval:5111", "Recs:RetrievalAddress 'retrieval:5111' must be http://host:port or dns:///host:port")]
    [InlineData("--Recs:RankingAddress=dns:///", "Recs:RankingAddress 'dns:///' must be http://host:port or dns:///host:port")]
    [InlineData("--Recs:LogFormat=xml", "Recs:LogFormat must be \"text\" or \"json\"")]
    [InlineData("--Recs:DnsRefreshSeconds=0", "Recs:DnsRefreshSeconds must be between 1 and 3600")]
    public void Gateway_BadSetting_RefusesToStartSayingWhatIsExpected(string setting, string message)
    {
        string[] valid = ["--Recs:GrpcPort=1", "--Recs:HttpPort=2", "--Recs:BundlePath=b", "--Recs:UserStorePath=u",
            "--Recs:RetrievalAddress=dns:///retrieval:5111", "--Recs:RankingAddress=http://ranking:5121"];
        var e = Assert.Throws<OptionsValidationException>(() => Gateway.GatewayApp.Build([.. valid, setting]));

        Assert.Contains(message, e.Message);
    }

    private static async Task<List<RankCandidatesResponse>> ReadAllAsync(AsyncServerStreamingCall<RankCandidatesResponse> call)
    {
        using (call)
        {
            var list = new List<RankCandidatesResponse>();
            await foreach (var item in call.ResponseStream.ReadAllAsync().WithTimeoutEach())
            {
                list.Add(item);
            }

            return list;
        }
    }
}
