using System.Text.Json;

namespace RecServices.Lab.Tests;

/// <summary>recs-lab sweep --via-grpc: every scale served through the three hosts started as processes.</summary>
[Collection(SerialCollection.Name)]
public sealed class SweepCommandTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(8)] // with the embedding source: retrieval runs the user tower in the served processes too
    public async Task Sweep_CsvDatasetViaGrpc_WritesTableJsonAndPngChartAndServesTheSameLists(int embeddingQuota)
    {
        using var dir = new TempDirectory();
        var data = Directory.CreateDirectory(Path.Combine(dir.Path, "data")).FullName;
        CsvRatings.Write(data, users: 60, items: 50);
        var outDir = Path.Combine(dir.Path, "sweep");

        var result = await Lab.RunAsync(
            "sweep",
            "--data",
            data,
            "--out",
            outDir,
            "--scales",
            "0.5",
            "2",
            "--epochs",
            "1",
            "--via-grpc",
            "--embedding-quota",
            embeddingQuota.ToString(System.Globalization.CultureInfo.InvariantCulture)
        );

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("**(chosen)**", result.Output);
        Assert.Contains("via gRPC", result.Output);
        Assert.Contains("| EASE (yardstick) |", result.Output); // the references below the sweep table
        Assert.Contains("| popularity |", result.Output);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")));
        var points = report.RootElement.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(2, points.Count);
        Assert.Equal(embeddingQuota, report.RootElement.GetProperty("embeddingQuota").GetInt32());
        Assert.All(
            points,
            p =>
            {
                // Three real processes per scale: every test user's list through the gateway equals the in-process one.
                var served = p.GetProperty("viaGrpc");
                Assert.Equal(
                    p.GetProperty("test").GetProperty("users").GetInt32(),
                    served.GetProperty("requests").GetInt32()
                );
                Assert.Equal(0, served.GetProperty("listsDiffering").GetInt32());
                Assert.True(served.GetProperty("latencyP50Ms").GetDouble() > 0);
            }
        );
        var png = File.ReadAllBytes(Path.Combine(outDir, "sweep.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.True(File.Exists(Path.Combine(outDir, "sweep.md")));
    }
}
