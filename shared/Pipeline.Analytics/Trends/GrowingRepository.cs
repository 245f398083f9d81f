namespace Pipeline.Analytics.Trends;

/// <summary>A repository ranked by growth against the same months a year earlier.</summary>
internal sealed record GrowingRepository(
    string Repo,
    string? Language,
    long Stars,
    long StarsPrevYear,
    long StarDelta,
    double? StarGrowthPct,
    long Events,
    long EventsPrevYear,
    double? EventGrowthPct);
