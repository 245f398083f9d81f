namespace Pipeline.Analytics.Snapshot;

internal static class SnapshotLayout
{
    public const string EventsPrefix = "events/";

    /// <summary>The repositories table (repo_key, repo, language), rewritten by every aggregation run.</summary>
    public const string RepositoriesPrefix = "repositories/";

    public const string RepositoriesTable = RepositoriesPrefix + "part-0.parquet";

    public static string EventPartition(DateOnly day) =>
        $"events/date={day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}/part-0.parquet";

    /// <summary>The day of an event partition name, or null for anything else.</summary>
    public static DateOnly? DayOf(string name)
    {
        const string marker = "events/date=";
        if (!name.StartsWith(marker, StringComparison.Ordinal) || !name.EndsWith(".parquet", StringComparison.Ordinal)) return null;
        var rest = name[marker.Length..];
        var slash = rest.IndexOf('/');
        return slash == 10 && DateOnly.TryParseExact(rest[..10], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var day)
            ? day
            : null;
    }

    public static string SparkScript(string applicationName) => $"spark/{applicationName}/job.sql";

    public static string SparkResultPrefix(string applicationName) => $"results/{applicationName}/";
}
