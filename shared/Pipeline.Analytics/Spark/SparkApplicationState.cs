namespace Pipeline.Analytics.Spark;

/// <summary>State of a SparkApplication as the operator reports it in <c>status.applicationState</c>.</summary>
public sealed record SparkApplicationState(string State, string? ErrorMessage)
{
    public bool Succeeded => State == "COMPLETED";
    public bool Failed => State is "FAILED" or "SUBMISSION_FAILED";
    public bool Finished => Succeeded || Failed;
}
