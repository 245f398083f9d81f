namespace Pipeline.ServiceDefaults;

/// <summary>One dependency's contribution to <c>GET /api/health</c>.</summary>
public interface IHealthProbe
{
    /// <summary>Stable name shown in the health document (<c>store</c>, <c>kafka</c>, <c>blobs</c>, <c>durable</c>, ...).</summary>
    string Name { get; }

    Task<ProbeResult> CheckAsync(CancellationToken ct);
}
