using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Pipeline.Domain.Normalization;

/// <summary>
/// Turns what GitHub gives us (a webhook delivery, a GH Archive / Events API event, a polled REST resource)
/// into the one <see cref="GitHubEvent"/> envelope.
/// <para>Ids: webhook <c>delivery:{X-GitHub-Delivery}</c>; GH Archive / Events API the event's numeric id;
/// polled resources deterministic ids (<c>poll:issue:{repo}:{number}:{updated_at}</c>, <c>poll:star:{repo}:{login}</c>,
/// <c>poll:release:{id}</c>, <c>poll:workflow_run:{id}:{updated_at}</c>), so the same fact polled twice is stored once.</para>
/// <para>Repository: <c>repository.full_name</c>; events without a repository (organization, membership, team...)
/// use the organization login (no slash, so it never collides with a repository), and events with neither
/// (installation, marketplace_purchase, sponsorship, security_advisory...) use <see cref="NoRepository"/>.</para>
/// <para>Event time: the time the payload says the thing happened (see <see cref="WebhookEventTime"/>); when the
/// payload carries none (watch, star deleted, release edited, unmodelled types) the receive time.</para>
/// <para>Payload: webhooks keep the whole body; GH Archive keeps the event's <c>payload</c> object (webhook-shaped:
/// <c>action</c>, <c>issue</c>, ...) because repo/actor/time are in the envelope; polled resources are wrapped in the
/// webhook shape (<c>{"action", "issue"|"pull_request"|"release"|"workflow_run", "repository":{"full_name"}, ...}</c>)
/// so downstream projections read every source the same way.</para>
/// </summary>
public static class GitHubEventNormalizer
{
    /// <summary>Repository value for events that belong to no repository and no organization.</summary>
    public const string NoRepository = "(none)";

    public static GitHubEvent FromWebhook(string eventType, string deliveryId, JsonElement payload, DateTimeOffset receivedAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        ArgumentException.ThrowIfNullOrWhiteSpace(deliveryId);
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedGitHubEventException($"The {eventType} payload is a JSON {payload.ValueKind}, not an object.");
        }
        var actor = Str(payload, "sender", "login");
        if (actor is null && eventType == GitHubEventTypes.Push) actor = Str(payload, "pusher", "name");
        return new GitHubEvent(
            Id: "delivery:" + deliveryId,
            Type: eventType,
            Action: Str(payload, "action"),
            Repo: RepoOf(payload),
            Actor: actor,
            CreatedAt: WebhookEventTime(eventType, payload) ?? receivedAt,
            Source: EventSources.Webhook,
            DeliveryId: deliveryId,
            ReceivedAt: receivedAt,
            Payload: payload);
    }

    /// <summary>
    /// The time the webhook payload says the event happened, or null when it carries none:
    /// issues → issue.updated_at; issue_comment → comment.updated_at; pull_request → pull_request.updated_at;
    /// push → head_commit.timestamp, else repository.pushed_at; star → starred_at (null when deleted);
    /// fork → forkee.created_at; release → created: release.created_at, published/released/prereleased:
    /// release.published_at (else created_at), other actions none; workflow_run → workflow_run.updated_at;
    /// repository → created: repository.created_at, others repository.updated_at; watch and others → none.
    /// </summary>
    public static DateTimeOffset? WebhookEventTime(string eventType, JsonElement payload)
    {
        var action = Str(payload, "action");
        return eventType switch
        {
            GitHubEventTypes.Issues => Time(payload, "issue", "updated_at"),
            GitHubEventTypes.IssueComment => Time(payload, "comment", "updated_at") ?? Time(payload, "comment", "created_at"),
            GitHubEventTypes.PullRequest => Time(payload, "pull_request", "updated_at"),
            GitHubEventTypes.Push => Time(payload, "head_commit", "timestamp") ?? Time(payload, "repository", "pushed_at"),
            GitHubEventTypes.Star => Time(payload, "starred_at"),
            GitHubEventTypes.Fork => Time(payload, "forkee", "created_at"),
            GitHubEventTypes.Release => action switch
            {
                "created" => Time(payload, "release", "created_at"),
                "published" or "released" or "prereleased" => Time(payload, "release", "published_at") ?? Time(payload, "release", "created_at"),
                _ => null,
            },
            GitHubEventTypes.WorkflowRun => Time(payload, "workflow_run", "updated_at"),
            GitHubEventTypes.Repository => action == "created"
                ? Time(payload, "repository", "created_at")
                : Time(payload, "repository", "updated_at"),
            _ => null,
        };
    }

    /// <summary>
    /// A GH Archive line / Events API event: <c>{id, type:"IssuesEvent", actor:{login}, repo:{name}, org?, payload, created_at}</c>.
    /// Throws <see cref="MalformedGitHubEventException"/> when id, type or created_at is missing.
    /// </summary>
    public static GitHubEvent FromArchiveEvent(JsonElement archiveEvent, DateTimeOffset receivedAt)
    {
        if (archiveEvent.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedGitHubEventException($"An archive event must be a JSON object, not {archiveEvent.ValueKind}.");
        }
        var id = archiveEvent.TryGetProperty("id", out var idEl)
            ? idEl.ValueKind switch
            {
                JsonValueKind.String => idEl.GetString(),
                JsonValueKind.Number => idEl.GetRawText(),
                _ => null,
            }
            : null;
        if (string.IsNullOrEmpty(id)) throw new MalformedGitHubEventException("The archive event has no id.");
        var apiType = Str(archiveEvent, "type") ?? throw new MalformedGitHubEventException($"Archive event {id} has no type.");
        var createdAt = Time(archiveEvent, "created_at") ?? throw new MalformedGitHubEventException($"Archive event {id} has no created_at.");
        var payload = archiveEvent.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object
            ? p
            : EmptyObject;
        return new GitHubEvent(
            Id: id,
            Type: GitHubEventTypes.FromEventsApiType(apiType),
            Action: Str(payload, "action"),
            Repo: Str(archiveEvent, "repo", "name") ?? Str(archiveEvent, "org", "login") ?? NoRepository,
            Actor: Str(archiveEvent, "actor", "login"),
            CreatedAt: createdAt,
            Source: EventSources.GhArchive,
            DeliveryId: null,
            ReceivedAt: receivedAt,
            Payload: payload);
    }

    /// <summary>
    /// An item of <c>GET /repos/{o}/{r}/issues</c> (issues and pull requests). Type <c>pull_request</c> when the item
    /// has a <c>pull_request</c> member, else <c>issues</c>; id <c>poll:issue:{repo}:{number}:{updated_at}</c>
    /// (<c>poll:pull:</c> for pull requests); event time updated_at. The action is inferred only where the snapshot
    /// proves it: <c>opened</c> when created_at equals updated_at, <c>closed</c> when closed_at equals updated_at;
    /// otherwise null (a snapshot cannot tell an edit from a label change). The actor is known only for <c>opened</c> (the author).
    /// </summary>
    public static GitHubEvent FromPolledIssue(string repo, JsonElement issue, DateTimeOffset receivedAt)
    {
        var number = Num(issue, "number") ?? throw new MalformedGitHubEventException("A polled issue has no number.");
        var updatedAt = Time(issue, "updated_at") ?? throw new MalformedGitHubEventException($"Polled issue {repo}#{number} has no updated_at.");
        var createdAt = Time(issue, "created_at");
        var closedAt = Time(issue, "closed_at");
        var isPull = issue.TryGetProperty("pull_request", out var pr) && pr.ValueKind == JsonValueKind.Object;
        string? action = createdAt == updatedAt ? "opened"
            : closedAt == updatedAt && Str(issue, "state") == "closed" ? "closed"
            : null;
        var type = isPull ? GitHubEventTypes.PullRequest : GitHubEventTypes.Issues;
        var payload = Wrap(action, isPull ? "pull_request" : "issue", issue, repo, extra: null);
        return new GitHubEvent(
            Id: $"poll:{(isPull ? "pull" : "issue")}:{repo}:{number}:{FormatTime(updatedAt)}",
            Type: type,
            Action: action,
            Repo: repo,
            Actor: action == "opened" ? Str(issue, "user", "login") : null,
            CreatedAt: updatedAt,
            Source: EventSources.Poller,
            DeliveryId: null,
            ReceivedAt: receivedAt,
            Payload: payload);
    }

    /// <summary>An item of <c>GET /repos/{o}/{r}/stargazers</c> with <c>application/vnd.github.star+json</c>: <c>{starred_at, user}</c>.</summary>
    public static GitHubEvent FromPolledStargazer(string repo, JsonElement stargazer, DateTimeOffset receivedAt)
    {
        var login = Str(stargazer, "user", "login") ?? throw new MalformedGitHubEventException($"A polled stargazer of {repo} has no user.login (was the star+json media type sent?).");
        var starredAt = Time(stargazer, "starred_at") ?? throw new MalformedGitHubEventException($"Stargazer {login} of {repo} has no starred_at.");
        var payload = BuildPayload(w =>
        {
            w.WriteString("action", "created");
            w.WriteString("starred_at", FormatTime(starredAt));
            w.WritePropertyName("sender");
            stargazer.GetProperty("user").WriteTo(w);
            WriteRepository(w, repo);
        });
        return new GitHubEvent($"poll:star:{repo}:{login}", GitHubEventTypes.Star, "created", repo, login, starredAt,
            EventSources.Poller, null, receivedAt, payload);
    }

    /// <summary>An item of <c>GET /repos/{o}/{r}/releases</c>. Action <c>published</c> when it has a published_at, else <c>created</c> (a draft).</summary>
    public static GitHubEvent FromPolledRelease(string repo, JsonElement release, DateTimeOffset receivedAt)
    {
        var id = Num(release, "id") ?? throw new MalformedGitHubEventException($"A polled release of {repo} has no id.");
        var publishedAt = Time(release, "published_at");
        var createdAt = Time(release, "created_at") ?? publishedAt
            ?? throw new MalformedGitHubEventException($"Release {id} of {repo} has neither created_at nor published_at.");
        var action = publishedAt is null ? "created" : "published";
        return new GitHubEvent($"poll:release:{id}", GitHubEventTypes.Release, action, repo, Str(release, "author", "login"),
            publishedAt ?? createdAt, EventSources.Poller, null, receivedAt, Wrap(action, "release", release, repo, null));
    }

    /// <summary>An item of <c>GET /repos/{o}/{r}/actions/runs</c> (<c>workflow_runs[]</c>). Action from status:
    /// completed → <c>completed</c>, queued/requested/waiting/pending → <c>requested</c>, otherwise <c>in_progress</c>.</summary>
    public static GitHubEvent FromPolledWorkflowRun(string repo, JsonElement run, DateTimeOffset receivedAt)
    {
        var id = Num(run, "id") ?? throw new MalformedGitHubEventException($"A polled workflow run of {repo} has no id.");
        var updatedAt = Time(run, "updated_at") ?? throw new MalformedGitHubEventException($"Workflow run {id} of {repo} has no updated_at.");
        var action = Str(run, "status") switch
        {
            "completed" => "completed",
            "queued" or "requested" or "waiting" or "pending" => "requested",
            _ => "in_progress",
        };
        return new GitHubEvent($"poll:workflow_run:{id}:{FormatTime(updatedAt)}", GitHubEventTypes.WorkflowRun, action, repo,
            Str(run, "triggering_actor", "login") ?? Str(run, "actor", "login"), updatedAt, EventSources.Poller, null, receivedAt,
            Wrap(action, "workflow_run", run, repo, null));
    }

    /// <summary>
    /// The response of <c>GET /repos/{o}/{r}</c> (repository metadata, fetched for repositories seen without a language):
    /// type <see cref="GitHubEventTypes.RepositoryMetadata"/>, action <c>fetched</c>, payload
    /// <c>{"action":"fetched","repository":{...}}</c>, event time the repository's updated_at (else the receive time),
    /// id <c>poll:repository:{repo}:{updated_at}</c> so an unchanged repository fetched twice is stored once. The repository
    /// is the response's full_name (GitHub's casing; a renamed repository answers with its new name).
    /// </summary>
    public static GitHubEvent FromPolledRepository(string repo, JsonElement repository, DateTimeOffset receivedAt)
    {
        if (repository.ValueKind != JsonValueKind.Object) throw new MalformedGitHubEventException($"GET /repos/{repo} did not return an object.");
        var fullName = Str(repository, "full_name") ?? repo;
        var updatedAt = Time(repository, "updated_at") ?? receivedAt;
        var payload = BuildPayload(w =>
        {
            w.WriteString("action", "fetched");
            w.WritePropertyName("repository");
            repository.WriteTo(w);
        });
        return new GitHubEvent($"poll:repository:{fullName}:{FormatTime(updatedAt)}", GitHubEventTypes.RepositoryMetadata, "fetched", fullName,
            null, updatedAt, EventSources.Poller, null, receivedAt, payload);
    }

    /// <summary>ISO-8601 UTC with seconds, as GitHub writes it (<c>2024-01-01T00:00:00Z</c>); used inside ids.</summary>
    public static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The repository an event belongs to (see the class remarks).</summary>
    public static string RepoOf(JsonElement payload) =>
        Str(payload, "repository", "full_name") ?? Str(payload, "organization", "login") ?? NoRepository;

    /// <summary>Reads a string at a property path, or null when any step is missing or not the right kind.</summary>
    public static string? Str(JsonElement e, params string[] path)
    {
        var cur = Walk(e, path);
        return cur is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;
    }

    /// <summary>Reads a timestamp at a property path: an ISO-8601 string or Unix seconds (GitHub's push payloads use both).</summary>
    public static DateTimeOffset? Time(JsonElement e, params string[] path)
    {
        var cur = Walk(e, path);
        if (cur is not { } v) return null;
        if (v.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var unix))
        {
            return DateTimeOffset.FromUnixTimeSeconds(unix);
        }
        return null;
    }

    private static long? Num(JsonElement e, params string[] path)
    {
        var cur = Walk(e, path);
        return cur is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var v) ? v : null;
    }

    private static JsonElement? Walk(JsonElement e, string[] path)
    {
        var cur = e;
        foreach (var name in path)
        {
            if (cur.ValueKind != JsonValueKind.Object || !cur.TryGetProperty(name, out cur)) return null;
        }
        return cur;
    }

    private static JsonElement EmptyObject { get; } = JsonDocument.Parse("{}").RootElement.Clone();

    private static JsonElement Wrap(string? action, string resourceName, JsonElement resource, string repo, Action<Utf8JsonWriter>? extra) =>
        BuildPayload(w =>
        {
            if (action is not null) w.WriteString("action", action);
            w.WritePropertyName(resourceName);
            resource.WriteTo(w);
            WriteRepository(w, repo);
            extra?.Invoke(w);
        });

    private static void WriteRepository(Utf8JsonWriter w, string repo)
    {
        w.WriteStartObject("repository");
        w.WriteString("full_name", repo);
        var slash = repo.IndexOf('/');
        if (slash > 0)
        {
            w.WriteString("name", repo[(slash + 1)..]);
            w.WriteStartObject("owner");
            w.WriteString("login", repo[..slash]);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static JsonElement BuildPayload(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }
}
