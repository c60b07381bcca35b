namespace RecServices.Core.Data;

/// <summary>A user and the profile fields a dataset may carry.</summary>
/// <param name="Id">The dataset's own id, as a string.</param>
/// <param name="Country">Country or derived locality code (see <see cref="Locality"/>); null when unknown.</param>
/// <param name="Age">Age in years, when known.</param>
/// <param name="Gender">"M", "F" or null.</param>
public sealed record User(string Id, string? Country, int? Age = null, string? Gender = null);
