using RecServices.Serving.Retrieval;
using Wire = RecServices.Contracts.Retrieval.V1.SourceKind;

namespace RecServices.Serving.Tests;

/// <summary>The one mapping between the candidate sources and the retrieval contract's enum.</summary>
public sealed class SourceKindWireTests
{
    [Fact]
    public void EverySource_GoesOnTheWireAsItsOwnKind_AndComesBackAsItself()
    {
        var wire = Enum.GetValues<SourceKind>().Select(kind => kind.ToWire()).ToList();

        Assert.Equal(wire.Count, wire.Distinct().Count());
        Assert.DoesNotContain(Wire.Unspecified, wire);
        Assert.Equal(Enum.GetValues<SourceKind>(), wire.Select(SourceKindWire.FromWire));

        // The contract has no kind the sources lack (a new one on either side must be mapped here), but the
        // deprecated genre kind, which is no longer sent.
#pragma warning disable CS0612
        Assert.Equal(
            Enum.GetValues<Wire>().Where(k => k is not Wire.Unspecified and not Wire.Genre).Order(),
            wire.Order()
        );
    }

    [Fact]
    public void TheDeprecatedGenreKind_ReadsAsTheCategorySource()
    {
        Assert.Equal(SourceKind.Category, SourceKindWire.FromWire(Wire.Genre));
        Assert.Equal(Wire.Category, SourceKind.Category.ToWire());
    }
#pragma warning restore CS0612

    [Fact]
    public void AKindThisBuildDoesNotKnow_ReadsAsPopular()
    {
        Assert.Equal(SourceKind.Popular, SourceKindWire.FromWire(Wire.Unspecified));
        Assert.Equal(SourceKind.Popular, SourceKindWire.FromWire((Wire)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((SourceKind)99).ToWire());
    }
}
