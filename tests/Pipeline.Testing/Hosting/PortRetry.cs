namespace Pipeline.Testing.Hosting;

/// <summary>
/// Starting a server on a port picked as free can still lose a race with another socket taking that port first (tests run in
/// parallel and open many connections from the same ephemeral range). Such a start is retried on a new port.
/// </summary>
public static class PortRetry
{
    public static async Task<T> StartAsync<T>(Func<Task<T>> start, int attempts = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (Exception ex) when (attempt < attempts && IsAddressInUse(ex))
            {
                await Task.Delay(50 * attempt);
            }
        }
    }

    private static bool IsAddressInUse(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
