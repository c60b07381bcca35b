using RecServices.Core.Data;

namespace RecServices.Core.Tests.Data;

/// <summary>The country feature from a postal code (US zip areas, Canada, unknown).</summary>
public sealed class LocalityTests
{
    [Theory]
    [InlineData("85711", "US-8")]
    [InlineData("01002", "US-0")]
    [InlineData("55117-3127", "US-5")]
    [InlineData("T8H1N", "CA")]
    [InlineData("V3N4P", "CA")]
    [InlineData("", "ZZ")]
    [InlineData(null, "ZZ")]
    [InlineData("123", "ZZ")]
    public void FromPostalCode_MapsZipAreaCanadaOrUnknown(string? code, string expected) =>
        Assert.Equal(expected, Locality.FromPostalCode(code));
}
