namespace Pipeline.Analytics.Trends;

public sealed record TrendDimensions(IReadOnlyList<RepositoryDimension> Repositories, IReadOnlyList<string> Languages, IReadOnlyList<string> Metrics);
