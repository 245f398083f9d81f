using System.Net;
using Octokit.Internal;

namespace Pipeline.Ingestion.Polling;

/// <summary>
/// Octokit's HTTP layer hook for what Octokit lacks: it adds <c>If-None-Match</c> with the ETag the poller saved for the
/// URL, keeps the raw body bytes (the poller publishes GitHub's JSON unchanged, so Octokit's model types are not used), and
/// reads the rate-limit headers of every response, 304s included. It is the handler of Octokit's
/// <see cref="HttpClientAdapter"/>; per-request values travel in an <see cref="AsyncLocal{T}"/> scope set by
/// <see cref="GitHubRestClient"/> around each Octokit call.
/// </summary>
internal sealed class ConditionalRequestHandler(RateLimitBudget budget) : DelegatingHandler(new SocketsHttpHandler
{
    AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
})
{
    internal sealed class Scope
    {
        public string? IfNoneMatch;
        public byte[]? Body;
        public HttpStatusCode Status;
        public string? ETag;
        public TimeSpan? RetryAfter;
    }

    internal static readonly AsyncLocal<Scope?> Current = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var scope = Current.Value;
        if (scope?.IfNoneMatch is { } etag) request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        budget.Update(response.Headers);
        if (scope is not null)
        {
            scope.Status = response.StatusCode;
            scope.ETag = response.Headers.ETag?.ToString() ?? scope.IfNoneMatch;
            scope.RetryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } d } => d,
                { Date: { } date } => date - DateTimeOffset.UtcNow,
                _ => null,
            };
            // Buffer once; Octokit reads the same buffered content afterwards.
            scope.Body = response.StatusCode == HttpStatusCode.NotModified ? null : await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        return response;
    }
}
