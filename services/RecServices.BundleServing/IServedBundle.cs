using RecServices.Core.Bundles;

namespace RecServices.BundleServing;

/// <summary>A service's state built from one bundle version: what <see cref="Readiness{T}"/> holds and swaps.</summary>
public interface IServedBundle
{
    Bundle Bundle { get; }
}
