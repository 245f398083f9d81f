namespace Pipeline.ServiceDefaults;

/// <summary>One dependency's entry in the health document.</summary>
internal sealed record DependencyHealth(string Status, string Detail, double ElapsedMs);
