namespace Pipeline.Domain;

/// <summary>Names of the document collections, shared by every store adapter.</summary>
public static class Collections
{
    public const string Events = "events";
    public const string Repositories = "repositories";
    public const string Issues = "issues";
    public const string Pulls = "pulls";
    public const string Stars = "stars";
    public const string PollerState = "poller_state";
    public const string Trends = "trends";
    public const string JobRuns = "job_runs";
    public const string Models = "models";
    public const string Predictions = "predictions";
    public const string MonitorReports = "monitor_reports";
    public const string Audits = "audits";
}
