namespace RecServices.Deploy.Tests;

/// <summary>
/// The C# sources as the repository's formatter lays them out (CSharpier, lines of at most 120 characters;
/// <c>.csharpierrc.yaml</c>): one layout, kept by CI rather than by review.
/// </summary>
public sealed class SourceFormatTests
{
    [CSharpierFact]
    public async Task CSharpierCheck_ServicesAndTests_AreFormatted()
    {
        var (code, output) = await ExternalTools.RunAsync(
            "dotnet",
            ["csharpier", "check", "services", "tests"],
            workingDirectory: ExternalTools.RepositoryRoot
        );

        Assert.True(code == 0, "run 'dotnet csharpier format services tests' for:\n" + output);
    }
}
