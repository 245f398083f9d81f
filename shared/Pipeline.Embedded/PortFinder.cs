using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.Embedded;

public static class PortFinder
{
    // Ports this process handed out or will bind itself. A port is free only until someone binds it, and the OS hands a
    // just-released port out again: the local host's own HTTP port (picked by whoever started it, bound only after the
    // embedded servers are up) came back as Azurite's blob port in a CI run, and Kestrel then failed to bind.
    private static readonly ConcurrentDictionary<int, byte> Taken = new();

    /// <summary>A TCP port on loopback that is free right now (the OS picks it) and that this process has neither handed
    /// out before nor <see cref="Reserve"/>d.</summary>
    public static int FreeTcpPort()
    {
        for (var attempt = 1; ; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (Taken.TryAdd(port, 0) || attempt == 50)
            {
                return port;
            }
        }
    }

    /// <summary>Keeps <see cref="FreeTcpPort"/> from handing out a port this process is going to bind later.</summary>
    public static void Reserve(int port) => Taken.TryAdd(port, 0);

    internal static bool IsTaken(int port) => Taken.ContainsKey(port);

    /// <summary>Reserves the ports of URLs such as Kestrel's <c>http://localhost:7071;http://127.0.0.1:7072</c>.</summary>
    public static void ReserveUrls(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel accepts wildcards such as http://*:7071 and http://+:7071, which Uri does not parse.
            var parsable = url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal);
            if (Uri.TryCreate(parsable, UriKind.Absolute, out var uri) && uri.Port > 0)
            {
                Reserve(uri.Port);
            }
        }
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
