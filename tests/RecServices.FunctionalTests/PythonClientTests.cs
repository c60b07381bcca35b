using System.Diagnostics;
using System.Text.Json;

namespace RecServices.FunctionalTests;

public sealed class PythonClientTests(SystemFixture fixture) : IClassFixture<SystemFixture>
{
    private const string Python = "/usr/bin/python3";

    [PythonGrpcFact]
    public async Task PythonGrpcioClient_RecommendsAndRecords_ThroughTheGateway()
    {
        var stubs = Directory.CreateTempSubdirectory("recs-py-").FullName;
        try
        {
            var protos = Path.Combine(ExternalTools.RepositoryRoot, "protos");
            var (generated, generateOutput) = await ExternalTools.RunAsync(
                Python,
                [
                    "-m",
                    "grpc_tools.protoc",
                    $"-I{protos}",
                    $"--python_out={stubs}",
                    $"--grpc_python_out={stubs}",
                    Path.Combine(protos, "recservices", "gateway", "v1", "gateway_service.proto"),
                ]
            );
            Assert.True(generated == 0, generateOutput);
            var script = Path.Combine(AppContext.BaseDirectory, "python", "gateway_client.py");
            var user = "python-user-" + Guid.NewGuid().ToString("N");

            var (code, output) = await ExternalTools.RunAsync(
                Python,
                [script, stubs, $"127.0.0.1:{fixture.System.GatewayPorts.Grpc}", user]
            );

            Assert.True(code == 0, output);
            using var result = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
            var first = result.RootElement.GetProperty("first").EnumerateArray().Select(e => e.GetString()).ToList();
            var second = result.RootElement.GetProperty("second").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal(10, first.Count);
            Assert.Equal(1, result.RootElement.GetProperty("history_count").GetInt32());
            Assert.DoesNotContain(first[0], second);
            Assert.Equal("INVALID_ARGUMENT", result.RootElement.GetProperty("bad_count_status").GetString());
        }
        finally
        {
            Directory.Delete(stubs, recursive: true);
        }
    }
}

/// <summary>
/// Skipped, with the reason printed, when Debian's python3-grpcio and python3-grpc-tools are missing.
/// </summary>
public sealed class PythonGrpcFactAttribute : FactAttribute
{
    public PythonGrpcFactAttribute()
    {
        if (!HasGrpc())
        {
            Skip =
                "/usr/bin/python3 with grpc and grpc_tools not found (apt-get install python3-grpcio "
                + "python3-grpc-tools)";
        }
    }

    private static bool HasGrpc()
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            return false;
        }

        using var process = Process.Start(
            new ProcessStartInfo("/usr/bin/python3", ["-c", "import grpc, grpc_tools"]) { RedirectStandardError = true }
        )!;
        process.WaitForExit(30_000);
        return process.HasExited && process.ExitCode == 0;
    }
}
