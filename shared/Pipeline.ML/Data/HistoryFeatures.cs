namespace Pipeline.ML.Data;

/// <summary>History features of an issue known at its creation.</summary>
internal sealed record HistoryFeatures(float RepoActivity30d, float RepoMeanCloseDays, float AuthorPriorIssues, float AuthorFastCloseRate)
{
    public static HistoryFeatures Empty { get; } = new(0, 0, 0, 0.5f);
}
