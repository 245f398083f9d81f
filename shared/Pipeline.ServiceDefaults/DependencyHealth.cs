namespace Pipeline.ServiceDefaults;

/// <summary>One dependency's entry in the health document.</summary>
public sealed record DependencyHealth(string Status, string Detail, double ElapsedMs);
