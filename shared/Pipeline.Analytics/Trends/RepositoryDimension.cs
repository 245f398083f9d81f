namespace Pipeline.Analytics.Trends;

internal sealed record RepositoryDimension(string Repo, string? Language);
