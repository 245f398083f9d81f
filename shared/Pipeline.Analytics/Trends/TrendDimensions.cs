namespace Pipeline.Analytics.Trends;

internal sealed record TrendDimensions(IReadOnlyList<RepositoryDimension> Repositories, IReadOnlyList<string> Languages, IReadOnlyList<string> Metrics);
