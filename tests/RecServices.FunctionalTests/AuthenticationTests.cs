using System.Security.Claims;
using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RecServices.Contracts.Gateway.V1;

namespace RecServices.FunctionalTests;

/// <summary>
/// The gateway with JWT bearer authentication on (keys from a PEM file the test writes, tokens the test signs) and
/// reflection off: each refusal gets its gRPC status and a message saying what to fix, scopes split reading from
/// writing, a user's token reaches that user only, health checks need no token.
/// </summary>
public sealed class AuthenticationTests(AuthenticationTests.AuthenticatedSystem fixture)
    : IClassFixture<AuthenticationTests.AuthenticatedSystem>
{
    private const string Issuer = "https://issuer.test/";
    private const string Audience = "recservices";

    private static Metadata? Headers(string? token) => AuthenticatedSystem.Headers(token);

    [Fact]
    public async Task Calls_WithoutAValidToken_AreUnauthenticatedSayingWhatIsWrong()
    {
        var other = new RsaSecurityKey(RSA.Create(2048));
        var cases = new (string? Token, string Message)[]
        {
            (
                null,
                "this call needs a bearer token: send metadata 'authorization: Bearer <JWT>' from https://issuer.test/"
            ),
            ("not-a-jwt", "the bearer token is not a JWT"),
            (
                fixture.Token("u1", ["recs.read"], expires: DateTime.UtcNow.AddMinutes(-5)),
                "the bearer token expired at"
            ),
            (fixture.Token("u1", ["recs.read"], audience: "someone-else"), "its aud claim must be 'recservices'"),
            (
                fixture.Token("u1", ["recs.read"], issuer: "https://other.test/"),
                "its iss claim must be 'https://issuer.test/'"
            ),
            (
                fixture.Token("u1", ["recs.read"], key: other),
                "the bearer token's signature does not verify with the keys of https://issuer.test/"
            ),
            // the right key, but the token names another one
            (
                fixture.Token("u1", ["recs.read"], kid: "someone-elses-key"),
                "the bearer token's signature does not verify with the keys of https://issuer.test/"
            ),
        };
        foreach (var (token, message) in cases)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => fixture.RecommendAsync(token, "u1"));

            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
            Assert.Contains(message, e.Status.Detail);
        }
    }

    [Fact]
    public async Task Tokens_SignedWithASharedSecretOrUnsigned_AreRefused()
    {
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        var hs256 = fixture.Token("u1", ["recs.read"], key: secret, algorithm: SecurityAlgorithms.HmacSha256);
        var unsigned = new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                Subject = new ClaimsIdentity([new Claim("sub", "u1"), new Claim("scope", "recs.read")]),
                Issuer = Issuer,
                Audience = Audience,
                Expires = DateTime.UtcNow.AddMinutes(10),
            }
        );

        foreach (var token in new[] { hs256, unsigned })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => fixture.RecommendAsync(token, "u1"));

            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        }
    }

    [Fact]
    public async Task Scopes_ReadIsForRecommend_WriteIsForRecordInteraction()
    {
        var reader = fixture.Token("u1", ["recs.read"]);
        var writer = fixture.Token("u1", ["recs.write"]);

        var list = await fixture.RecommendAsync(reader, "u1");
        var recorded = await fixture.RecordAsync(writer, "u1", "auth-scopes-1");
        var cannotWrite = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.RecordAsync(reader, "u1", "auth-scopes-2")
        );
        var cannotRead = await Assert.ThrowsAsync<RpcException>(() => fixture.RecommendAsync(writer, "u1"));

        Assert.Equal(3, list.Count);
        Assert.Equal("auth-scopes-1", recorded.EventId);
        Assert.Equal(StatusCode.PermissionDenied, cannotWrite.StatusCode);
        Assert.Equal(
            "the token lacks scope 'recs.write', which "
                + "recservices.gateway.v1.GatewayService/RecordInteraction needs: ask the issuer for a token "
                + "with it",
            cannotWrite.Status.Detail
        );
        Assert.Equal(StatusCode.PermissionDenied, cannotRead.StatusCode);
        Assert.Contains("scope 'recs.read'", cannotRead.Status.Detail);
    }

    [Fact]
    public async Task CatalogService_NeedsTheAdminScope_NeitherReadNorWriteNorAnyUser()
    {
        var catalog = new Contracts.Catalog.V1.CatalogService.CatalogServiceClient(fixture.System.GatewayChannel);
        var request = new Contracts.Catalog.V1.SetUserProfileRequest { UserId = "u1", Country = "US" };
        // every other scope at once: none of them is the admin's
        var others = fixture.Token("u1", ["recs.read", "recs.write", "recs.any_user.read", "recs.any_user.write"]);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            catalog
                .SetUserProfileAsync(request, Headers(others), DateTime.UtcNow.AddSeconds(30))
                .ResponseAsync.WithTimeout()
        );

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Contains("scope 'recs.admin'", e.Status.Detail);

        var admin = await catalog
            .SetUserProfileAsync(request, Headers(fixture.Token("ops", ["recs.admin"])), DateTime.UtcNow.AddSeconds(30))
            .ResponseAsync.WithTimeout();
        Assert.False(admin.Created); // u1 is a seeded user
    }

    [Fact]
    public async Task UserTokens_ReachTheirOwnUserOnly_AnyUserScopeReachesEveryone()
    {
        // one space-separated scope claim, as OAuth 2.0 sends it
        var u2 = fixture.Token("u2", ["recs.read recs.write"]);
        var service = fixture.Token(
            "batch-job",
            ["recs.read", "recs.write", "recs.any_user.read", "recs.any_user.write"]
        );
        var lister = fixture.Token("lister", ["recs.read", "recs.write", "recs.any_user.read"]);
        var nobody = fixture.Token(null, ["recs.read"]);

        var own = await fixture.RecommendAsync(u2, "u2");
        var readOther = await Assert.ThrowsAsync<RpcException>(() => fixture.RecommendAsync(u2, "u3"));
        var writeOther = await Assert.ThrowsAsync<RpcException>(() => fixture.RecordAsync(u2, "u3", "auth-user-1"));
        var anyRead = await fixture.RecommendAsync(service, "u3");
        var anyWrite = await fixture.RecordAsync(service, "u3", "auth-user-2");
        var listerReads = await fixture.RecommendAsync(lister, "u3");
        var listerWrites = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.RecordAsync(lister, "u3", "auth-user-3")
        );
        var noSubject = await Assert.ThrowsAsync<RpcException>(() => fixture.RecommendAsync(nobody, "u3"));

        Assert.Equal(3, own.Count);
        Assert.All(
            new[] { readOther, writeOther, noSubject, listerWrites },
            e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode)
        );
        Assert.Equal(
            "the token acts for one user (its 'sub' claim) and user_id names another: send that user's "
                + "id, or use a token with scope 'recs.any_user.read'",
            readOther.Status.Detail
        );
        Assert.EndsWith("use a token with scope 'recs.any_user.write'", listerWrites.Status.Detail);
        Assert.Equal(3, listerReads.Count);
        Assert.StartsWith("the token names no user (claim 'sub')", noSubject.Status.Detail);
        Assert.Equal(3, anyRead.Count);
        Assert.Equal("auth-user-2", anyWrite.EventId);
    }

    [Fact]
    public async Task HealthChecks_NeedNoToken_AndReflectionIsOffByConfiguration()
    {
        var health = await ServiceSystem.HealthAsync(fixture.System.GatewayPorts.Grpc);
        using var channel = GrpcChannel.ForAddress(fixture.System.GatewayPorts.GrpcAddress);
        using var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(
            deadline: DateTime.UtcNow.AddSeconds(30)
        );
        var off = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
            await reflection.ResponseStream.MoveNext();
        });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health);
        Assert.Equal(StatusCode.Unimplemented, off.StatusCode);
    }

    /// <summary>
    /// The system with authentication on: an RSA key pair made here, its public half in a PEM file the gateway reads.
    /// </summary>
    public sealed class AuthenticatedSystem : IAsyncLifetime
    {
        private readonly RsaSecurityKey _key = new(RSA.Create(2048));
        private readonly string _directory = Directory.CreateTempSubdirectory("recs-auth-").FullName;

        public ServiceSystem System { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var keys = Path.Combine(_directory, "signing-keys.pem");
            await File.WriteAllTextAsync(
                keys,
                "# the issuer's public key\n" + _key.Rsa.ExportSubjectPublicKeyInfoPem() + "\n"
            );
            System = await ServiceSystem.StartAsync(
                TestBundle.Path,
                [
                    "--Recs:Auth:Enabled=true",
                    $"--Recs:Auth:Issuer={Issuer}",
                    $"--Recs:Auth:Audience={Audience}",
                    $"--Recs:Auth:SigningKeysPath={keys}",
                    "--Recs:Reflection=false",
                    "--Recs:Auth:AllowWithoutTls=true", // loopback only
                ]
            );
        }

        public async Task DisposeAsync()
        {
            await System.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }

        /// <summary>
        /// A signed token for <paramref name="subject"/> (none when null) with each scope as one <c>scope</c> claim.
        /// </summary>
        public string Token(
            string? subject,
            string[] scopes,
            DateTime? expires = null,
            string audience = Audience,
            string issuer = Issuer,
            SecurityKey? key = null,
            string algorithm = SecurityAlgorithms.RsaSha256,
            string? kid = null
        )
        {
            var claims = new List<Claim>();
            if (subject is not null)
            {
                claims.Add(new Claim("sub", subject));
            }

            claims.AddRange(scopes.Select(s => new Claim("scope", s)));
            var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
            return new JsonWebTokenHandler().CreateToken(
                new SecurityTokenDescriptor
                {
                    Subject = new ClaimsIdentity(claims),
                    Issuer = issuer,
                    Audience = audience,
                    NotBefore = expiry.AddMinutes(-20),
                    IssuedAt = expiry.AddMinutes(-20),
                    Expires = expiry,
                    SigningCredentials = new SigningCredentials(
                        key ?? (kid is null ? _key : new RsaSecurityKey(_key.Rsa) { KeyId = kid }),
                        algorithm
                    ),
                }
            );
        }

        public async Task<List<RecommendResponse>> RecommendAsync(string? token, string user)
        {
            using var call = System.GatewayClient.Recommend(
                new RecommendRequest { UserId = user, Count = 3 },
                Headers(token),
                DateTime.UtcNow.AddSeconds(30)
            );
            var items = new List<RecommendResponse>();
            await foreach (var item in call.ResponseStream.ReadAllAsync().WithTimeoutEach())
            {
                items.Add(item);
            }

            return items;
        }

        public async Task<RecordInteractionResponse> RecordAsync(string? token, string user, string eventId) =>
            await System
                .GatewayClient.RecordInteractionAsync(
                    new RecordInteractionRequest
                    {
                        UserId = user,
                        ItemId = "i7",
                        Kind = InteractionKind.Watched,
                        EventId = eventId,
                    },
                    Headers(token),
                    DateTime.UtcNow.AddSeconds(30)
                )
                .ResponseAsync.WithTimeout();

        public static Metadata? Headers(string? token) =>
            token is null ? null : new Metadata { { "authorization", "Bearer " + token } };
    }
}
