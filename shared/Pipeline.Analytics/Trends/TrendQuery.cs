namespace Pipeline.Analytics.Trends;

/// <summary>A validated trends query.</summary>
public sealed record TrendQuery(
    string Metric,
    DateOnly From,
    DateOnly To,
    int CompareYears,
    string? Repo = null,
    string? Language = null,
    string Kind = "issue",
    string Measure = "events",
    int Limit = 10);
