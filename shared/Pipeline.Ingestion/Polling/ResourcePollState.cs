namespace Pipeline.Ingestion.Polling;

/// <summary>
/// What the poller remembers about one repository and resource (document <c>{repo}:{resource}</c> in <c>poller_state</c>),
/// saved only after the events of a page are published, so a restart neither re-publishes nor skips.
/// </summary>
public sealed record ResourcePollState
{
    /// <summary>Issues: the largest updated_at published (the next <c>since</c>). Stargazers: the largest starred_at published.</summary>
    public DateTimeOffset? Watermark { get; init; }

    /// <summary>Event ids already published whose time equals <see cref="Watermark"/> (<c>since</c> is inclusive).</summary>
    public List<string> AtWatermark { get; init; } = [];

    /// <summary>Issues: the <c>since</c> sent. It moves to <see cref="Watermark"/> only when a walk spans more than one page,
    /// so an unchanged repository is asked the very same URL again and answers 304 (the watermark filters the overlap).</summary>
    public DateTimeOffset? QuerySince { get; init; }

    /// <summary>Stargazers: the page to resume from (the list is in starring order; new stars append).</summary>
    public int ResumePage { get; init; } = 1;

    /// <summary>Releases: the largest release id published (ids only grow).</summary>
    public long MaxId { get; init; }

    /// <summary>Workflow runs: run id → the updated_at last published (bounded to the most recent runs).</summary>
    public Dictionary<string, string> Seen { get; init; } = [];

    /// <summary>ETag per request URL from the last run, sent back as If-None-Match.</summary>
    public Dictionary<string, string> ETags { get; init; } = [];

    public DateTimeOffset? LastPolledAt { get; init; }
}
