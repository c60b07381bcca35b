using RecServices.BundleServing;
using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;
using RecServices.Users;

namespace RecServices.Gateway.Services;

/// <summary>
/// What the gateway serves from: the bundle (titles, popular items), the context factory and the seeded user store.
/// </summary>
public sealed record GatewayState(Bundle Bundle, UserContextFactory Contexts, IUserStore Store) : IServedBundle;
