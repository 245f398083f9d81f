namespace Pipeline.Analytics.Jobs;

/// <summary>The jobs an aggregation run executes.</summary>
public interface ITrendsJobCatalog
{
    IReadOnlyList<TrendsJob> Jobs { get; }

    TrendsJob Get(string name);
}
