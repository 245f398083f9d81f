namespace Pipeline.Orchestration.Analytics;

/// <summary>The run failed after its jobs' retries; the run document says which jobs and why.</summary>
internal sealed class TrendsRunFailedException(string message) : Exception(message);
