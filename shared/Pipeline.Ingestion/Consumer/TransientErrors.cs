using System.Data.Common;
using System.Net.Sockets;
using Pipeline.Storage;

namespace Pipeline.Ingestion.Consumer;

/// <summary>
/// Which sink failures mean "the store is down" (pause and retry the same batch, never dead-letter) rather than
/// "this event is bad". The store adapters wrap outages in <see cref="StoreUnavailableException"/>; a timeout,
/// socket error, a client-side timeout (OperationCanceledException not caused by our stop token) or a driver exception
/// that says it is transient is treated the same, so an unwrapped network blip can
/// never send good events to the DLQ.
/// </summary>
internal static class TransientErrors
{
    public static bool IsOutage(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StoreUnavailableException:
                case TimeoutException:
                case SocketException:
                case OperationCanceledException: // a driver/client timeout; our own stop token is checked by the caller
                case DbException { IsTransient: true }:
                    return true;
            }
        }
        return false;
    }
}
