using System.Globalization;
using RecServices.LocalSystem;

namespace RecServices.Users.Tests;

/// <summary>
/// A three-primary Redis Cluster on free loopback ports (each node a <see cref="LocalRedis"/> with cluster mode on),
/// its 16,384 slots spread by <c>redis-cli --cluster create</c>: keys of different users land on different nodes.
/// </summary>
public sealed class LocalRedisCluster : IAsyncDisposable
{
    private readonly List<LocalRedis> _nodes = [];

    /// <summary>The StackExchange.Redis configuration string naming every node.</summary>
    public string Configuration => string.Join(',', _nodes.Select(n => n.Configuration));

    public static async Task<LocalRedisCluster> StartAsync(string directory)
    {
        var cluster = new LocalRedisCluster();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                cluster._nodes.Add(
                    await LocalRedis
                        .StartAsync(
                            Path.Combine(directory, "node" + i.ToString(CultureInfo.InvariantCulture)),
                            settings:
                            [
                                "--cluster-enabled",
                                "yes",
                                "--cluster-config-file",
                                "nodes.conf",
                                "--cluster-node-timeout",
                                "5000",
                            ]
                        )
                        .WithTimeout()
                );
            }

            var cli =
                RedisAvailability.Cli ?? throw new InvalidOperationException("redis-cli not found beside redis-server");
            var (code, output) = await ExternalTools.RunAsync(
                cli,
                [
                    "--cluster",
                    "create",
                    .. cluster._nodes.Select(n => n.Configuration),
                    "--cluster-replicas",
                    "0",
                    "--cluster-yes",
                ]
            );
            Assert.True(code == 0, output);
            foreach (var node in cluster._nodes)
            {
                await TaskTimeouts.Until(
                    async () =>
                        (
                            await ExternalTools.RunAsync(
                                cli,
                                ["-p", node.Port.ToString(CultureInfo.InvariantCulture), "cluster", "info"]
                            )
                        ).Output.Contains("cluster_state:ok", StringComparison.Ordinal),
                    $"the cluster node on port {node.Port} to report cluster_state:ok"
                );
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
