using Grpc.Core;
using Microsoft.Extensions.Options;
using RecServices.Contracts.Ranking.V1;
using RecServices.Contracts.Retrieval.V1;
using RecServices.Core.Bundles;

namespace RecServices.FunctionalTests;

/// <summary>
/// Retrieval's and ranking's v1 contracts over gRPC, still served beside v2 for callers built before it: unknown ids
/// reported, duplicates ranked once, bad counts and indexes refused naming v1's fields, by index as by id.
/// </summary>
public sealed class ServiceContractV1Tests(InMemorySystemFixture fixture) : IClassFixture<InMemorySystemFixture>
{
    [Fact]
    public async Task RankCandidates_UnknownIds_AreReportedBackNotFatal()
    {
        var request = new RankCandidatesRequest
        {
            CandidateItemIds = { "i1", "no-such-item", "i2", "i3" },
            HistoryItemIds = { "i4", "ghost" },
        };

        var responses = await Streams.ReadAllAsync(fixture.System.RankingV1Client.RankCandidates(request));

        Assert.Equal(["i1", "i2", "i3"], responses.Where(r => r.ItemId.Length > 0).Select(r => r.ItemId).Order());
        Assert.Equal([1, 2, 3], responses.Where(r => r.ItemId.Length > 0).Select(r => r.Rank));
        Assert.True(responses[0].Score >= responses[1].Score && responses[1].Score >= responses[2].Score);
        Assert.Equal(["no-such-item"], responses[^1].UnknownItemIds);
    }

    [Fact]
    public async Task RankCandidates_AnItemSentTwice_IsRankedOnce()
    {
        var request = new RankCandidatesRequest
        {
            CandidateItemIds = { "i1", "i2", "i1", "i3", "i2" },
            HistoryItemIds = { "i4" },
        };

        var responses = await Streams.ReadAllAsync(fixture.System.RankingV1Client.RankCandidates(request));

        Assert.Equal(["i1", "i2", "i3"], responses.Select(r => r.ItemId).Order());
        Assert.Equal([1, 2, 3], responses.Select(r => r.Rank));
    }

    [Fact]
    public async Task RankCandidates_NoCandidate_IsInvalidArgumentSayingHowMany()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Streams.ReadAllAsync(
                fixture.System.RankingV1Client.RankCandidates(new RankCandidatesRequest { HistoryItemIds = { "i4" } })
            )
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(
            "send 1 to 10000 candidates in candidate_item_ids or candidate_item_indexes; got 0",
            e.Status.Detail
        );
    }

    [Theory]
    [InlineData(-1, StatusCode.InvalidArgument, "top_count")]
    [InlineData(20_000, StatusCode.InvalidArgument, "top_count")]
    public async Task RankCandidates_BadTopCount_IsInvalidArgument(int top, StatusCode status, string field)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Streams.ReadAllAsync(
                fixture.System.RankingV1Client.RankCandidates(
                    new RankCandidatesRequest { CandidateItemIds = { "i1" }, TopCount = top }
                )
            )
        );

        Assert.Equal(status, e.StatusCode);
        Assert.Contains(field, e.Status.Detail);
    }

    [Fact]
    public async Task GetCandidates_RequestCap_LowersTheCountWithinServerLimits()
    {
        var client = fixture.System.RetrievalV1Client;

        var five = await client
            .GetCandidatesAsync(new GetCandidatesRequest { MaxCandidateCount = 5, RecentItemIds = { "i1", "i2" } })
            .ResponseAsync.WithTimeout();
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            client
                .GetCandidatesAsync(new GetCandidatesRequest { MaxCandidateCount = 1_000_000 })
                .ResponseAsync.WithTimeout()
        );

        Assert.Equal(5, five.ItemIds.Count);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("max_candidate_count must be between 0 and 5000", e.Status.Detail);
    }

    [Fact]
    public async Task GetCandidates_ByIndex_AnswersTheCandidatesAndSourcesItAnswersById()
    {
        var bundle = Bundle.Load(TestBundle.Path, BundleParts.Catalog);
        var catalog = bundle.Catalog;
        var version = bundle.Manifest.Version;
        var byId = new GetCandidatesRequest
        {
            RecentItemIds = { "i1", "i2", "i3" },
            ExcludedItemIds = { "i1", "i2", "i3", "i4" },
            TopCategories = { catalog.Categories[0] },
            Country = "US",
            BundleVersion = version,
        };
        var byIndex = new GetCandidatesRequest
        {
            RecentItemIndexes = { byId.RecentItemIds.Select(id => catalog.Index[id]) },
            ExcludedItemIndexes = { byId.ExcludedItemIds.Select(id => catalog.Index[id]) },
            TopCategories = { byId.TopCategories },
            Country = byId.Country,
            BundleVersion = version,
            AnswerWithIndexes = true,
        };

        var ids = await fixture.System.RetrievalV1Client.GetCandidatesAsync(byId).ResponseAsync.WithTimeout();
        var indexes = await fixture.System.RetrievalV1Client.GetCandidatesAsync(byIndex).ResponseAsync.WithTimeout();

        Assert.NotEmpty(ids.ItemIds);
        Assert.Empty(indexes.ItemIds);
        Assert.Equal(ids.ItemIds, indexes.ItemIndexes.Select(catalog.IdOf));
        Assert.Equal(ids.SourceStarts, indexes.SourceStarts);
        Assert.Equal(ids.SourceKinds, indexes.SourceKinds);
        Assert.Equal(ids.SourceScores, indexes.SourceScores);
        Assert.Equal(
            ids.SourceKeyIndexes.Select(k => ids.SourceKeys[k]),
            indexes.SourceKeyIndexes.Select(k => indexes.SourceKeys[k])
        );
        Assert.Equal(indexes.ItemIndexes.Count, indexes.SourceStarts.Count);
    }

    [Fact]
    public async Task RankCandidates_ByIndex_RanksAsById_AndEveryItemCarriesItsIndex()
    {
        var bundle = Bundle.Load(TestBundle.Path, BundleParts.Catalog);
        var catalog = bundle.Catalog;
        string[] history = ["i4", "i5", "i6"];
        string[] candidates = ["i1", "i2", "i3", "i7", "i8"];
        var byId = new RankCandidatesRequest
        {
            HistoryItemIds = { history },
            CandidateItemIds = { candidates },
            Age = 30,
            Gender = "F",
            TopCount = 4,
        };
        var byIndex = new RankCandidatesRequest
        {
            HistoryItemIndexes = { history.Select(id => catalog.Index[id]) },
            CandidateItemIndexes = { candidates.Select(id => catalog.Index[id]) },
            Age = 30,
            Gender = "F",
            TopCount = 4,
            BundleVersion = bundle.Manifest.Version,
        };

        var ids = await Streams.ReadAllAsync(fixture.System.RankingV1Client.RankCandidates(byId));
        var indexes = await Streams.ReadAllAsync(fixture.System.RankingV1Client.RankCandidates(byIndex));

        Assert.Equal(4, ids.Count);
        Assert.Equal(ids.Select(r => (r.ItemId, r.Score, r.Rank)), indexes.Select(r => (r.ItemId, r.Score, r.Rank)));
        Assert.All(indexes, r => Assert.Equal(catalog.Index[r.ItemId], r.ItemIndex));
    }

    [Theory]
    [InlineData(false, true, "", "recent_item_indexes needs bundle_version")]
    [InlineData(true, true, "pinned", "send recent_item_ids or recent_item_indexes, not both")]
    [InlineData(
        false,
        true,
        "pinned-out-of-range",
        "recent_item_indexes[1] = 1000000 is outside the item table of bundle"
    )]
    [InlineData(false, false, "answer-unpinned", "answer_with_indexes needs bundle_version")]
    public async Task GetCandidates_BadIndexes_IsInvalidArgumentSayingWhatToSend(
        bool ids,
        bool indexes,
        string version,
        string message
    )
    {
        var manifest = Bundle.ReadManifest(TestBundle.Path);
        var request = new GetCandidatesRequest
        {
            BundleVersion = version.StartsWith("pinned", StringComparison.Ordinal) ? manifest.Version : string.Empty,
        };
        if (ids)
        {
            request.RecentItemIds.Add("i1");
        }

        if (indexes)
        {
            request.RecentItemIndexes.Add(0);
            request.RecentItemIndexes.Add(version.EndsWith("out-of-range", StringComparison.Ordinal) ? 1_000_000 : 1);
        }

        request.AnswerWithIndexes = version == "answer-unpinned";

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.System.RetrievalV1Client.GetCandidatesAsync(request).ResponseAsync.WithTimeout()
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(message, e.Status.Detail);
    }

    [Theory]
    [InlineData(-1, "candidate_item_indexes[1] = -1 is outside the item table of bundle")]
    [InlineData(1_000_000, "candidate_item_indexes[1] = 1000000 is outside the item table of bundle")]
    public async Task RankCandidates_IndexOutsideTheItemTable_IsInvalidArgument(int index, string message)
    {
        var request = new RankCandidatesRequest
        {
            CandidateItemIndexes = { 0, index },
            BundleVersion = Bundle.ReadManifest(TestBundle.Path).Version,
        };

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Streams.ReadAllAsync(fixture.System.RankingV1Client.RankCandidates(request))
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(message, e.Status.Detail);
    }

    [Fact]
    public void Gateway_MissingSettings_RefusesToStartNamingThem()
    {
        var e = Assert.Throws<OptionsValidationException>(() =>
            Gateway.GatewayApp.Build(["--Recs:GrpcPort=1", "--Recs:HttpPort=1"])
        );

        Assert.Contains("Recs:BundlePath is required", e.Message);
        Assert.Contains("Recs:RetrievalAddress is required", e.Message);
        Assert.Contains("Recs:UserStorePath is required", e.Message);
        Assert.Contains("Recs:GrpcPort and Recs:HttpPort must differ", e.Message);
    }

    [Theory]
    [InlineData(
        "--Recs:RetrievalAddress=retrieval:5111",
        "Recs:RetrievalAddress 'retrieval:5111' must be http://host:port, https://host:port or dns:///host:port"
    )]
    [InlineData(
        "--Recs:RankingAddress=dns:///",
        "Recs:RankingAddress 'dns:///' must be http://host:port, https://host:port or dns:///host:port"
    )]
    [InlineData("--Recs:LogFormat=xml", "Recs:LogFormat must be \"text\" or \"json\"")]
    [InlineData("--Recs:DnsRefreshSeconds=0", "Recs:DnsRefreshSeconds must be between 1 and 3600")]
    public void Gateway_BadSetting_RefusesToStartSayingWhatIsExpected(string setting, string message)
    {
        string[] valid =
        [
            "--Recs:GrpcPort=1",
            "--Recs:HttpPort=2",
            "--Recs:BundlePath=b",
            "--Recs:UserStorePath=u",
            "--Recs:RetrievalAddress=dns:///retrieval:5111",
            "--Recs:RankingAddress=http://ranking:5121",
        ];
        var e = Assert.Throws<OptionsValidationException>(() => Gateway.GatewayApp.Build([.. valid, setting]));

        Assert.Contains(message, e.Message);
    }
}
