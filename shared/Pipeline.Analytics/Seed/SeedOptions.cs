namespace Pipeline.Analytics.Seed;

/// <summary>Shape of the generated history.</summary>
public sealed record SeedOptions
{
    /// <summary>End of the history (events are generated up to this instant). Default: now.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>Calendar years covered: this year and the <c>Years - 1</c> before it (at least 3 for the comparisons).</summary>
    public int Years { get; init; } = 3;

    /// <summary>Multiplies every daily rate (1.0 ≈ 60 events a day, about 60k events over three years).</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>Random seed; the same seed and <see cref="Now"/> give the same events with the same ids.</summary>
    public int RandomSeed { get; init; } = 20240601;

    /// <summary>Small community repositories created per day on average (they feed "repositories created" per language).</summary>
    public double NewRepositoriesPerDay { get; init; } = 0.1;
}
