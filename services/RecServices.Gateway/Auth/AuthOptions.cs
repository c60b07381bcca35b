namespace RecServices.Gateway.Auth;

/// <summary>
/// Authentication of the gateway's callers (section <c>Recs:Auth</c>): JWT bearer tokens, off by default (local runs),
/// on in the prod overlay. Recommend needs <see cref="ReadScope"/>, RecordInteraction <see cref="WriteScope"/>; a token
/// without <see cref="AnyUserReadScope"/> (reads) or <see cref="AnyUserWriteScope"/> (writes) acts for the user its
/// <see cref="UserClaim"/> names and for no other.
/// Health checks and reflection need no token (probes and grpcurl; turn reflection off with <c>Recs:Reflection</c>).
/// </summary>
public sealed class AuthOptions
{
    /// <summary>Whether calls to GatewayService need a bearer token.</summary>
    public bool Enabled { get; set; }

    /// <summary>The tokens' issuer (their <c>iss</c> claim), e.g. https://login.example.com/.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>The audience the tokens are for (their <c>aud</c> claim), e.g. recservices.</summary>
    public string Audience { get; set; } = string.Empty;

    /// <summary>
    /// The keys that sign the tokens: a file of PEM public keys or certificates, or a JSON Web Key Set (a Kubernetes
    /// Secret mounted as a file; read again when it changes). Either this or <see cref="Authority"/>.
    /// </summary>
    public string SigningKeysPath { get; set; } = string.Empty;

    /// <summary>
    /// An OpenID Connect authority whose discovery document gives the signing keys (https). Either this or
    /// <see cref="SigningKeysPath"/>.
    /// </summary>
    public string Authority { get; set; } = string.Empty;

    /// <summary>The scope Recommend needs.</summary>
    public string ReadScope { get; set; } = "recs.read";

    /// <summary>The scope RecordInteraction needs.</summary>
    public string WriteScope { get; set; } = "recs.write";

    /// <summary>
    /// The scope every CatalogService method needs (user profiles, erasure): an operator's, never a reader's or a
    /// writer's.
    /// </summary>
    public string AdminScope { get; set; } = "recs.admin";

    /// <summary>
    /// The scope of a service that may read any user's recommendations (without it, a token reads for its own user
    /// only).
    /// </summary>
    public string AnyUserReadScope { get; set; } = "recs.any_user.read";

    /// <summary>
    /// The scope of a service that may record interactions for any user (without it, a token writes for its own
    /// user only). Separate from reading: a service that shows lists need not be able to rewrite histories.
    /// </summary>
    public string AnyUserWriteScope { get; set; } = "recs.any_user.write";

    /// <summary>
    /// The signing algorithms a token may use: asymmetric only (RS*, PS*, ES*); a token signed otherwise ("none",
    /// HS256 with a guessed or leaked secret) is refused.
    /// </summary>
    public string[] Algorithms { get; set; } = [.. AsymmetricAlgorithms];

    /// <summary>
    /// Start with authentication on although the gRPC port has no TLS (tokens would cross the network in clear text):
    /// for a mesh that encrypts between pods (a sidecar terminating TLS), say so here; otherwise the start is refused.
    /// </summary>
    public bool AllowWithoutTls { get; set; }

    /// <summary>The algorithms <see cref="Algorithms"/> may name.</summary>
    public static IReadOnlyList<string> AsymmetricAlgorithms { get; } =
    ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    /// <summary>The claim that names the user a token acts for.</summary>
    public string UserClaim { get; set; } = "sub";

    /// <summary>Seconds of clock difference allowed when checking a token's expiry and not-before.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>The problems with these settings (none when authentication is off).</summary>
    public IEnumerable<string> Problems()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Issuer))
        {
            yield return "Recs:Auth:Issuer is required with Recs:Auth:Enabled=true: the iss claim of the tokens, e.g. "
                + "https://login.example.com/";
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return "Recs:Auth:Audience is required with Recs:Auth:Enabled=true: the aud claim the tokens carry, "
                + "e.g. recservices";
        }

        if (string.IsNullOrWhiteSpace(SigningKeysPath) == string.IsNullOrWhiteSpace(Authority))
        {
            yield return "Recs:Auth needs exactly one of SigningKeysPath (a PEM or JWKS file of the issuer's public "
                + "keys) and Authority (an OpenID Connect issuer URL)";
        }
        else if (
            !string.IsNullOrWhiteSpace(Authority)
            && !(Uri.TryCreate(Authority, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
        )
        {
            yield return $"Recs:Auth:Authority '{Authority}' must be an https URL, e.g. https://login.example.com/";
        }

        if (Algorithms.Length == 0 || Algorithms.Any(a => !AsymmetricAlgorithms.Contains(a)))
        {
            yield return $"Recs:Auth:Algorithms must name asymmetric algorithms only ("
                + $"{string.Join(", ", AsymmetricAlgorithms)}); got '{string.Join(", ", Algorithms)}'";
        }

        if (ClockSkewSeconds is < 0 or > 600)
        {
            yield return "Recs:Auth:ClockSkewSeconds must be between 0 and 600";
        }

        foreach (
            var (name, value) in new[]
            {
                ("ReadScope", ReadScope),
                ("WriteScope", WriteScope),
                ("AdminScope", AdminScope),
                ("AnyUserReadScope", AnyUserReadScope),
                ("AnyUserWriteScope", AnyUserWriteScope),
                ("UserClaim", UserClaim),
            }
        )
        {
            if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsWhiteSpace))
            {
                yield return $"Recs:Auth:{name} must be one word without spaces; got '{value}'";
            }
        }
    }
}
