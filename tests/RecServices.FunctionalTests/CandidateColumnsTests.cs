using RecServices.Contracts.Retrieval.V2;
using RecServices.Core.Bundles;
using RecServices.Gateway.Services;
using RecServices.Retrieval.Services;
using RecServices.Serving.Retrieval;

namespace RecServices.FunctionalTests;

/// <summary>Retrieval's column layout of a candidate set, read back the way the gateway reads it.</summary>
public sealed class CandidateColumnsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Write_ThenReadBack_GivesEveryCandidateInOrderWithItsSources_AndEachKeyOnce(bool indexes)
    {
        var bundle = Bundle.LoadServed(TestBundle.Path);
        var options = new RetrievalOptions();
        var generator = new CandidateGenerator(bundle, options);
        var contexts = new UserContextFactory(bundle.Catalog, options);
        var histories = TestBundle.Histories(bundle);
        var checkedHits = 0;
        for (var user = 0; user < 40; user++)
        {
            // A key equal in text but another string instance must still map to the one key entry.
            var context = contexts.Create(
                histories.Of(user).ToArray(),
                bundle.Users![user].Country is { } c ? new string(c) : null
            );
            var set = generator.Generate(context, 200);
            var response = new GetCandidatesResponse();

            CandidateColumns.Write(set, bundle, ServedItems.Of(bundle.Catalog), indexes, response);

            Assert.Equal(
                set.Items,
                indexes
                    ? response.Candidates.Indexes.Indexes
                    : response.Candidates.Ids.Ids.Select(id => bundle.Catalog.Index[id])
            );
            Assert.Null(response.ColumnProblem());
            Assert.Equal(response.SourceKeys.Count, response.SourceKeys.Distinct(StringComparer.Ordinal).Count());
            var retrieved = new RetrievedCandidates(response);
            Assert.Equal(set.Count, retrieved.Count);
            for (var position = 0; position < set.Count; position++)
            {
                var expected = set.SourcesOf(set.Items[position]).ToArray();
                Assert.Equal(set.Items[position], retrieved.ItemAt(position, ServedItems.Of(bundle.Catalog)));
                Assert.Equal(expected, retrieved.SourcesAt(position));
                checkedHits += expected.Length;
            }
        }

        Assert.True(checkedHits > 40, $"only {checkedHits} sources were compared");
    }
}
