namespace RecServices.Users;

/// <summary>
/// How to get into the Redis store beyond its address: the ACL user and password (from a Secret, never from a
/// configuration file or an argument) and the CA that signed the server's TLS certificate (with <c>ssl=true</c>).
/// </summary>
public sealed record RedisAccess(string? User = null, string? Password = null, string? CaPath = null)
{
    /// <summary>The environment variables, named as the gateway's settings so that one Secret serves both.</summary>
    public const string UserVariable = "Recs__RedisUser";

    public const string PasswordVariable = "Recs__RedisPassword";

    public const string CaPathVariable = "Recs__RedisCaPath";

    public static RedisAccess None { get; } = new();

    /// <summary>What the training Job's environment says (how <c>recs train --interactions redis://…</c> gets in).</summary>
    public static RedisAccess FromEnvironment() =>
        new(
            Environment.GetEnvironmentVariable(UserVariable),
            Environment.GetEnvironmentVariable(PasswordVariable),
            Environment.GetEnvironmentVariable(CaPathVariable)
        );
}
