namespace Pipeline.ServiceDefaults;

/// <summary>The document <c>GET /api/health</c> returns.</summary>
internal sealed record HealthReport(string Status, DateTimeOffset CheckedAt, IReadOnlyDictionary<string, DependencyHealth> Dependencies)
{
    public bool Healthy => Status == "healthy";
}
