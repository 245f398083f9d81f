using System.Net;
using System.Net.Sockets;

namespace Pipeline.Embedded;

public static class PortFinder
{
    /// <summary>A TCP port on loopback that is free right now (the OS picks it).</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until something accepts TCP connections on the port, or throws after the timeout. With
    /// <paramref name="gaveUp"/> it stops early, returning false, once that says the server will never listen (its process
    /// exited): waiting out the whole timeout for a dead server only hides why it died.</summary>
    public static async Task<bool> WaitForTcpAsync(int port, TimeSpan timeout, CancellationToken ct = default, Func<bool>? gaveUp = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, ct);
                return true;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                if (gaveUp?.Invoke() == true)
                {
                    return false;
                }
                await Task.Delay(100, ct);
            }
        }
    }
}
