using System.Net;
using System.Net.Sockets;
using Azure.Storage.Queues;
using Pipeline.Embedded;
using Pipeline.Testing;

namespace Pipeline.IntegrationTests.Hosting;

/// <summary>
/// A port that was free when it was picked can be taken before Azurite binds it (many hosts start at once in the tests,
/// and a fresh-clone CI run lost a host this way). Azurite then exits with EADDRINUSE; the start must move to other
/// ports at once rather than wait out its timeout on a dead process.
/// </summary>
public sealed class EmbeddedAzuriteStartTests
{
    [Fact]
    public async Task A_port_taken_before_Azurite_binds_it_is_left_for_another_and_Azurite_serves()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var picks = 0;
        var log = new RecentLog<EmbeddedAzuriteStartTests>();

        await using var azurite = await EmbeddedAzurite.StartAsync(null, () => ++picks == 1 ? taken : PortFinder.FreeTcpPort(), CancellationToken.None, log);

        Assert.NotEqual(taken, azurite.BlobPort);
        Assert.Equal(6, picks);
        Assert.Contains($"A port of {taken}", log.ToString(), StringComparison.Ordinal);
        var queue = new QueueClient(azurite.ConnectionString, "moved-" + Guid.NewGuid().ToString("N")[..8]);
        await queue.CreateAsync();
        await queue.SendMessageAsync("after the move");
        Assert.Equal("after the move", (await queue.ReceiveMessageAsync()).Value.MessageText);
    }
}
