namespace Pipeline.Analytics.Trends;

public sealed record RepositoryDimension(string Repo, string? Language);
