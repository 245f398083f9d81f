using Pipeline.Embedded;

namespace Pipeline.UnitTests.Hosting;

public sealed class PortFinderTests
{
    [Fact]
    public void A_port_is_handed_out_once_per_process()
    {
        // The OS hands a just-released ephemeral port out again; 300 picks from its range repeat one more often than not.
        var ports = Enumerable.Range(0, 300).Select(_ => PortFinder.FreeTcpPort()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
    }

    [Theory]
    [InlineData("http://127.0.0.1:{0}")]
    [InlineData("http://localhost:1;http://localhost:{0}")]
    [InlineData("http://*:{0}")]
    [InlineData("http://+:{0}/")]
    public void The_ports_of_the_hosts_own_urls_are_never_handed_out(string urls)
    {
        var port = Enumerable.Range(20_000 + Random.Shared.Next(10_000), 1_000).First(p => !PortFinder.IsTaken(p));

        PortFinder.ReserveUrls(string.Format(System.Globalization.CultureInfo.InvariantCulture, urls, port));

        Assert.True(PortFinder.IsTaken(port));
    }
}
