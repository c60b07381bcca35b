namespace RecServices.Users;

/// <summary>A user's profile as a caller sets it; null is unknown.</summary>
/// <param name="Country">Country or locality code.</param>
/// <param name="Age">Age in years.</param>
/// <param name="Gender">"M" or "F".</param>
public sealed record ProfileFields(string? Country, int? Age, string? Gender);
