namespace RecServices.Testing;

/// <summary>
/// A folder of a test class's own for copies of the test bundle (<see cref="TestBundle"/>) a test may damage, removed
/// after the class.
/// </summary>
public sealed class SmallBundleFixture : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "recs-bundle-" + Guid.NewGuid().ToString("N"));

    /// <summary>A fresh copy of the bundle that a test may damage.</summary>
    public string Copy() => TestBundle.CopyTo(Path.Combine(Root, "copy-" + Guid.NewGuid().ToString("N")));

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Root))
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
    }
}
