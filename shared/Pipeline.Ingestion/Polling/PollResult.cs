namespace Pipeline.Ingestion.Polling;

/// <summary>What one resource of one repository yielded in a run.</summary>
public sealed record PollResult(string Repo, string Resource, int Requests, int NotModified, int Published, string? Error = null);
