using System.Net;

namespace Pipeline.Ingestion.Polling;

/// <summary>One fetched page: 200 with its body, or 304 Not Modified (no body, no quota spent).</summary>
internal sealed record GitHubPage(HttpStatusCode Status, byte[]? Body, string? ETag, Uri? Next)
{
    public bool NotModified => Status == HttpStatusCode.NotModified;
}
