using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Octokit;
using Octokit.Internal;
using Polly;
using Polly.Retry;

namespace Pipeline.Ingestion.Polling;

/// <summary>The poller must stop until <see cref="ResumeAt"/> (quota at its floor, or GitHub asked for a long wait).</summary>
public sealed class QuotaExhaustedException(DateTimeOffset resumeAt, string reason) : Exception(reason)
{
    public DateTimeOffset ResumeAt { get; } = resumeAt;
}
