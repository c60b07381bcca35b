using System.ComponentModel.DataAnnotations;
using RecServices.ServiceDefaults;
using RecServices.Users;

namespace RecServices.BundleServing;

/// <summary>
/// Where a service finds the shared user store (section <c>Recs</c>, the gateway's setting names): the gateway keeps
/// the users there; every service reads the live catalog from it (<see cref="LiveCatalog"/>). In retrieval and ranking
/// the store is optional: without one they serve the bundle's catalog as it is and the gateway alone leaves the hidden
/// items out.
/// </summary>
public class StoreOptions : RecsOptions, IValidatableObject
{
    public const string SqliteStore = "sqlite";
    public const string RedisStore = "redis";

    /// <summary>
    /// The user store: "sqlite" (one file, for one machine) or "redis" (shared by every replica; <see cref="Redis"/>
    /// says where); empty for none (retrieval and ranking only).
    /// </summary>
    [RegularExpression("^(sqlite|redis|)$", ErrorMessage = "Recs:UserStore must be \"sqlite\" or \"redis\"")]
    public string UserStore { get; set; } = string.Empty;

    /// <summary>With the sqlite store: its file (the gateway creates and seeds it from the bundle when new).</summary>
    public string UserStorePath { get; set; } = string.Empty;

    /// <summary>
    /// With the redis store: a StackExchange.Redis configuration string, e.g. 127.0.0.1:6379 or
    /// redis-0.redis:6379,ssl=true (the password goes in <see cref="RedisPassword"/>, from a Secret).
    /// </summary>
    public string Redis { get; set; } = string.Empty;

    /// <summary>
    /// The ACL user of the redis store, when not in <see cref="Redis"/>. Set it, and <see cref="RedisPassword"/>, from
    /// a Kubernetes Secret (environment <c>Recs__RedisUser</c>, <c>Recs__RedisPassword</c>).
    /// </summary>
    public string RedisUser { get; set; } = string.Empty;

    /// <summary>The password of the redis store (from a Secret; never logged or printed).</summary>
    public string RedisPassword { get; set; } = string.Empty;

    /// <summary>
    /// With <c>ssl=true</c> in <see cref="Redis"/>: the CA (PEM) that signed the Redis server's certificate, when it
    /// is not one the system trusts.
    /// </summary>
    public string RedisCaPath { get; set; } = string.Empty;

    /// <summary>
    /// How often the live catalog's version is read from the store (milliseconds): a change made through any replica
    /// is applied by this service within this and one read.
    /// </summary>
    [Range(10, 10_000, ErrorMessage = "Recs:CatalogPollMs must be between 10 and 10000")]
    public int CatalogPollMs { get; set; } = 200;

    /// <summary>The Redis credentials of the settings.</summary>
    public RedisAccess RedisAccess => new(RedisUser, RedisPassword, RedisCaPath);

    public virtual IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UserStore == SqliteStore && string.IsNullOrWhiteSpace(UserStorePath))
        {
            yield return new ValidationResult(
                "Recs:UserStorePath is required with Recs:UserStore=sqlite: the SQLite file of the user store"
            );
        }

        if (UserStore == RedisStore)
        {
            string? problem = null;
            try
            {
                RedisUserStore.ParseConfiguration(Redis);
            }
            catch (ArgumentException e)
            {
                problem = e.Message;
            }

            if (problem is not null)
            {
                yield return new ValidationResult(
                    $"Recs:Redis must be a StackExchange.Redis configuration string with "
                        + $"Recs:UserStore=redis, e.g. 127.0.0.1:6379: {problem}"
                );
            }
        }
    }
}
