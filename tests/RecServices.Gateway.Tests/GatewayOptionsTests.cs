using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using RecServices.Gateway.Auth;
using RecServices.ServiceDefaults;

namespace RecServices.Gateway.Tests;

/// <summary>The user store settings: which store, where it is, and how much history serving reads.</summary>
public sealed class GatewayOptionsTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Recs:GrpcPort"] = "1",
        ["Recs:HttpPort"] = "2",
        ["Recs:BundlePath"] = "b",
        ["Recs:RetrievalAddress"] = "http://retrieval:5111",
        ["Recs:RankingAddress"] = "http://ranking:5121",
        ["Recs:UserStorePath"] = "users.db",
    };

    [Fact]
    public void Read_Defaults_SqliteStoreAndAHistoryLimitOf500()
    {
        var options = Read([]);

        Assert.Equal(GatewayOptions.SqliteStore, options.UserStore);
        Assert.Equal(500, options.HistoryLimit);
    }

    [Fact]
    public void Read_RedisStoreWithAConfigurationString_IsAccepted()
    {
        var options = Read(
            new()
            {
                ["Recs:UserStore"] = "redis",
                ["Recs:Redis"] = "redis-0.redis:6379,password=secret,abortConnect=false",
                ["Recs:UserStorePath"] = null,
            }
        );

        Assert.Equal("redis-0.redis:6379,password=secret,abortConnect=false", options.Redis);
    }

    [Theory]
    [InlineData("Recs:UserStore", "mongo", "Recs:UserStore must be \"sqlite\" or \"redis\"")]
    [InlineData("Recs:UserStorePath", "", "Recs:UserStorePath is required with Recs:UserStore=sqlite")]
    [InlineData("Recs:HistoryLimit", "0", "Recs:HistoryLimit must be between 1 and 10000")]
    [InlineData("Recs:HistoryLimit", "10001", "Recs:HistoryLimit must be between 1 and 10000")]
    public void Read_BadStoreSetting_NamesItAndWhatIsExpected(string key, string value, string message)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Read(new() { [key] = value }));

        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(",,,")]
    public void Read_RedisStoreWithoutAnEndpoint_SaysWhatToGive(string configuration)
    {
        var e = Assert.Throws<OptionsValidationException>(() =>
            Read(new() { ["Recs:UserStore"] = "redis", ["Recs:Redis"] = configuration })
        );

        Assert.Contains(
            "Recs:Redis must be a StackExchange.Redis configuration string with Recs:UserStore=redis, "
                + "e.g. 127.0.0.1:6379",
            e.Message
        );
    }

    [Fact]
    public void Read_PropertyAndStoreProblemsTogether_ReportsBoth()
    {
        var e = Assert.Throws<OptionsValidationException>(() =>
            Read(new() { ["Recs:BundlePath"] = null, ["Recs:UserStorePath"] = null })
        );

        Assert.Contains("Recs:BundlePath is required", e.Message);
        Assert.Contains("Recs:UserStorePath is required", e.Message);
    }

    [Fact]
    public void Read_AuthOnWithIssuerAudienceAndKeys_IsAcceptedWithTheDefaultScopes()
    {
        var options = Read(
            new()
            {
                ["Recs:Auth:Enabled"] = "true",
                ["Recs:Auth:Issuer"] = "https://issuer/",
                ["Recs:Auth:Audience"] = "recservices",
                ["Recs:Auth:SigningKeysPath"] = "/keys.pem",
                ["Recs:Auth:AllowWithoutTls"] = "true",
            }
        );

        Assert.True(options.Auth.Enabled);
        Assert.Equal(
            ("recs.read", "recs.write", "recs.any_user.read", "recs.any_user.write", "sub"),
            (
                options.Auth.ReadScope,
                options.Auth.WriteScope,
                options.Auth.AnyUserReadScope,
                options.Auth.AnyUserWriteScope,
                options.Auth.UserClaim
            )
        );
        Assert.Equal(AuthOptions.AsymmetricAlgorithms, options.Auth.Algorithms);
    }

    [Fact]
    public void Read_AuthOnWithoutTls_IsRefusedUnlessAllowedOutright()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Recs:Auth:Enabled"] = "true",
            ["Recs:Auth:Issuer"] = "https://issuer/",
            ["Recs:Auth:Audience"] = "recservices",
            ["Recs:Auth:SigningKeysPath"] = "/keys.pem",
        };

        var e = Assert.Throws<OptionsValidationException>(() => Read(settings));
        settings["Recs:Auth:AllowWithoutTls"] = "true";

        Assert.Contains("Recs:Auth:Enabled=true needs TLS on the gRPC port (Recs:Tls)", e.Message);
        Assert.True(Read(settings).Auth.AllowWithoutTls);
    }

    [Fact]
    public void Read_AuthOnWithNothingElse_ReportsEveryMissingSetting()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Read(new() { ["Recs:Auth:Enabled"] = "true" }));

        Assert.Contains("Recs:Auth:Issuer is required with Recs:Auth:Enabled=true", e.Message);
        Assert.Contains("Recs:Auth:Audience is required with Recs:Auth:Enabled=true", e.Message);
        Assert.Contains(
            "Recs:Auth needs exactly one of SigningKeysPath (a PEM or JWKS file of the issuer's public "
                + "keys) and Authority",
            e.Message
        );
    }

    [Theory]
    [InlineData("Recs:Auth:Authority", "http://issuer/", "Recs:Auth:Authority 'http://issuer/' must be an https URL")]
    [InlineData("Recs:Auth:ReadScope", "recs read", "Recs:Auth:ReadScope must be one word without spaces")]
    [InlineData("Recs:Auth:ClockSkewSeconds", "601", "Recs:Auth:ClockSkewSeconds must be between 0 and 600")]
    [InlineData("Recs:Auth:Algorithms:0", "HS256", "Recs:Auth:Algorithms must name asymmetric algorithms only")]
    public void Read_BadAuthSetting_NamesIt(string key, string value, string message)
    {
        var e = Assert.Throws<OptionsValidationException>(() =>
            Read(
                new()
                {
                    ["Recs:Auth:Enabled"] = "true",
                    ["Recs:Auth:Issuer"] = "https://issuer/",
                    ["Recs:Auth:Audience"] = "a",
                    ["Recs:Auth:SigningKeysPath"] = key == "Recs:Auth:Authority" ? null : "/keys.pem",
                    ["Recs:Auth:AllowWithoutTls"] = "true",
                    [key] = value,
                }
            )
        );

        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Read_AuthOff_IgnoresTheAuthSettings()
    {
        var options = Read(new() { ["Recs:Auth:ReadScope"] = "two words" });

        Assert.False(options.Auth.Enabled);
    }

    [Theory]
    [InlineData("Recs:Tls:CertificatePath", "tls.crt", "Recs:Tls:CertificatePath and Recs:Tls:KeyPath go together")]
    [InlineData("Recs:Tls:ClientCaPath", "ca.crt", "Recs:Tls:ClientCaPath needs Recs:Tls:CertificatePath and KeyPath")]
    [InlineData("Recs:Tls:ClientName", "gateway", "Recs:Tls:ClientName needs Recs:Tls:ClientCaPath")]
    [InlineData(
        "Recs:BackendTls:KeyPath",
        "tls.key",
        "Recs:BackendTls:CertificatePath and Recs:BackendTls:KeyPath go together"
    )]
    [InlineData(
        "Recs:RetrievalAddress",
        "https://retrieval:5111",
        "Recs:RetrievalAddress 'https://retrieval:5111' needs Recs:BackendTls:CaPath"
    )]
    [InlineData(
        "Recs:BackendTls:CaPath",
        "ca.crt",
        "Recs:RetrievalAddress 'http://retrieval:5111' is cleartext but Recs:BackendTls is set: use "
            + "https://host:port or dns:///host:port"
    )]
    public void Read_BadTlsSetting_NamesIt(string key, string value, string message)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Read(new() { [key] = value }));

        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Read_MutualTlsToBackendsOverHttpsAndDns_IsAccepted()
    {
        var options = Read(
            new()
            {
                ["Recs:BackendTls:CaPath"] = "ca.crt",
                ["Recs:BackendTls:CertificatePath"] = "tls.crt",
                ["Recs:BackendTls:KeyPath"] = "tls.key",
                ["Recs:RetrievalAddress"] = "https://retrieval:5111",
                ["Recs:RankingAddress"] = "dns:///ranking:5121",
            }
        );

        Assert.True(options.BackendTls.Enabled);
    }

    private static GatewayOptions Read(Dictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>(Valid);
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return ServiceDefaultsExtensions.ReadOptions<GatewayOptions>(
            new ConfigurationBuilder().AddInMemoryCollection(settings).Build()
        );
    }
}
