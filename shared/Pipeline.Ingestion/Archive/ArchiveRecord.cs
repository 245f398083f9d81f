using Pipeline.Domain;

namespace Pipeline.Ingestion.Archive;

/// <summary>One line of a GH Archive file: the normalised event, or the reason it could not be read.</summary>
internal readonly record struct ArchiveRecord(long LineNumber, GitHubEvent? Event, string? Error);
