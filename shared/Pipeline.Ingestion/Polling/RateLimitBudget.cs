using System.Globalization;
using System.Net.Http.Headers;

namespace Pipeline.Ingestion.Polling;

/// <summary>The rate-limit headers of the latest response (shared by every request of the poller).</summary>
internal sealed class RateLimitBudget
{
    private readonly Lock _gate = new();

    public int? Limit { get; private set; }
    public int? Remaining { get; private set; }
    public DateTimeOffset? Reset { get; private set; }

    public void Update(HttpResponseHeaders headers)
    {
        static int? Int(HttpResponseHeaders h, string name) =>
            h.TryGetValues(name, out var v) && int.TryParse(v.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
        var remaining = Int(headers, "X-RateLimit-Remaining");
        var reset = Int(headers, "X-RateLimit-Reset");
        var limit = Int(headers, "X-RateLimit-Limit");
        lock (_gate)
        {
            if (limit is not null) Limit = limit;
            if (remaining is not null) Remaining = remaining;
            if (reset is not null) Reset = DateTimeOffset.FromUnixTimeSeconds(reset.Value);
        }
    }
}
