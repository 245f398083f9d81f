namespace Pipeline.Analytics.Spark;

/// <summary>A submitted Spark job: the application name and whether this call created it (false: it existed, 409).</summary>
public sealed record SparkSubmission(string ApplicationName, bool Created);
