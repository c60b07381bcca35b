using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Ranking.V2;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Gateway.Services;
using RecServices.Retrieval.Services;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Retrieval;

namespace RecServices.Benchmarks;

/// <summary>
/// The messages of one Recommend, built from a real candidate set (default quotas): encoding and decoding
/// retrieval's answer, the ranking request, one streamed item; and the gateway's filter over the answer. By id (what
/// grpcurl and other callers send) and by item index (what the gateway sends, pinned to its own bundle version).
/// </summary>
[MemoryDiagnoser]
public class MessageBenchmarks
{
    private GetCandidatesResponse _candidates = null!;
    private byte[] _candidatesBytes = null!;
    private RankCandidatesRequest _rankRequest = null!;
    private byte[] _rankRequestBytes = null!;
    private RecommendResponse _item = null!;
    private byte[] _itemBytes = null!;
    private SeenFilter _seen = null!;
    private BenchBundle _data = null!;

    /// <summary>Candidates and history as item indexes (the gateway's calls) rather than ids.</summary>
    [Params(false, true)]
    public bool ByIndex { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = BenchBundle.Instance;
        var catalog = _data.Bundle.Catalog;
        var user = _data.Users[0];
        var context = new UserContextFactory(catalog, RetrievalOptions.Default).Create(
            user.History,
            _data.Countries[0]
        );
        var set = new CandidateGenerator(_data.Bundle, RetrievalOptions.Default).Generate(
            context,
            RetrievalOptions.Default.DefaultMaxCandidates
        );
        _candidates = new GetCandidatesResponse { BundleVersion = _data.Bundle.Manifest.Version };
        var served = ServedItems.Of(_data.Bundle.Catalog);
        CandidateColumns.Write(set, _data.Bundle, served, ByIndex, _candidates);
        _candidatesBytes = _candidates.ToByteArray();
        _rankRequest = BackendRequests.Rank(
            _data.Bundle,
            served,
            user.History,
            set.ItemSpan,
            30,
            "F",
            10,
            ByIndex ? _data.Bundle.Manifest.Version : "other"
        );
        _rankRequestBytes = _rankRequest.ToByteArray();
        _item = new RecommendResponse
        {
            ItemId = catalog.Items[0].Id,
            Title = catalog.Items[0].Title,
            Score = 1.5f,
            Rank = 1,
        };
        _item.Sources.Add(
            new RecommendationSource
            {
                Kind = "similar-items",
                SourceKind = Contracts.Gateway.V1.SourceKind.SimilarItems,
                Key = catalog.Items[1].Id,
                Score = 0.9f,
            }
        );
        _item.Sources.Add(
            new RecommendationSource
            {
                Kind = "category",
                SourceKind = Contracts.Gateway.V1.SourceKind.Category,
                Key = "Drama",
                Score = 400,
            }
        );
        _itemBytes = _item.ToByteArray();
        _seen = SeenFilter.Of(user.History);
        Console.WriteLine(
            $"GetCandidatesResponse: {set.Count} candidates, {_candidatesBytes.Length} bytes; "
                + $"RankCandidatesRequest {_rankRequestBytes.Length} bytes; one RecommendResponse "
                + $"{_itemBytes.Length} bytes"
        );
    }

    [Benchmark]
    public byte[] EncodeCandidates() => _candidates.ToByteArray();

    [Benchmark]
    public int DecodeCandidates() => GetCandidatesResponse.Parser.ParseFrom(_candidatesBytes).CandidateCount;

    [Benchmark]
    public byte[] EncodeRankRequest() => _rankRequest.ToByteArray();

    [Benchmark]
    public int DecodeRankRequest() => RankCandidatesRequest.Parser.ParseFrom(_rankRequestBytes).Candidates.Count;

    [Benchmark]
    public byte[] EncodeRecommendItem() => _item.ToByteArray();

    [Benchmark]
    public int DecodeRecommendItem() => RecommendResponse.Parser.ParseFrom(_itemBytes).Sources.Count;

    /// <summary>
    /// The gateway's filter over retrieval's answer (known, unseen, once) and the sources of a top 10.
    /// </summary>
    [Benchmark]
    public int GatewayFilter()
    {
        var retrieved = new RetrievedCandidates(_candidates);
        var (_, candidates, positions) = FilteredCandidates.Of(retrieved, ServedItems.Of(_data.Bundle.Catalog), _seen);
        var sources = 0;
        for (var i = 0; i < 10 && i < candidates.Count; i++)
        {
            sources += retrieved.SourcesAt(positions[candidates[i]]).Length;
        }

        return sources;
    }
}
