using Pipeline.Domain;
using Pipeline.Domain.Normalization;

namespace Pipeline.Ingestion.Archive;

/// <summary>
/// Which events of a GH Archive file a backfill keeps, applied while streaming and before publishing: repositories
/// (<c>owner/name</c>), organisations/owners (<c>owner</c>) and event types (webhook form <c>pull_request</c> or Events API form
/// <c>PullRequestEvent</c>). Names compare case-insensitively (GitHub names are). An empty list does not filter; an event is kept
/// when it passes every non-empty list (a repository matches when it is listed in <see cref="Repos"/> or its owner in
/// <see cref="Orgs"/>).
/// </summary>
public sealed record BackfillFilter(IReadOnlyList<string>? Repos = null, IReadOnlyList<string>? Orgs = null, IReadOnlyList<string>? Types = null)
{
    private HashSet<string>? _repos;
    private HashSet<string>? _orgs;
    private HashSet<string>? _types;

    /// <summary>True when no list is given: every event is kept.</summary>
    public bool IsEmpty => Repos is not { Count: > 0 } && Orgs is not { Count: > 0 } && Types is not { Count: > 0 };

    /// <summary>Problems with the lists, each naming the field (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (r, i) in (Repos ?? []).Select((r, i) => (r, i)))
        {
            var parts = (r ?? "").Trim().Split('/');
            if (parts.Length != 2 || parts.Any(p => p.Length == 0)) errors.Add($"repos[{i}] must be owner/name (got '{r}')");
        }
        foreach (var (o, i) in (Orgs ?? []).Select((o, i) => (o, i)))
        {
            if (string.IsNullOrWhiteSpace(o) || o.Contains('/', StringComparison.Ordinal)) errors.Add($"orgs[{i}] must be an owner login without '/' (got '{o}')");
        }
        foreach (var (t, i) in (Types ?? []).Select((t, i) => (t, i)))
        {
            if (string.IsNullOrWhiteSpace(t)) errors.Add($"types[{i}] is empty");
        }
        return errors;
    }

    public bool Matches(GitHubEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (IsEmpty) return true;
        if (Types is { Count: > 0 })
        {
            _types ??= new HashSet<string>(Types.Select(NormalizeType), StringComparer.OrdinalIgnoreCase);
            if (!_types.Contains(e.Type)) return false;
        }
        var hasRepos = Repos is { Count: > 0 };
        var hasOrgs = Orgs is { Count: > 0 };
        if (!hasRepos && !hasOrgs) return true;
        _repos ??= new HashSet<string>((Repos ?? []).Select(r => r.Trim()), StringComparer.OrdinalIgnoreCase);
        _orgs ??= new HashSet<string>((Orgs ?? []).Select(o => o.Trim()), StringComparer.OrdinalIgnoreCase);
        if (hasRepos && _repos.Contains(e.Repo)) return true;
        if (hasOrgs)
        {
            var slash = e.Repo.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && _orgs.Contains(e.Repo[..slash])) return true;
        }
        return false;
    }

    /// <summary><c>PullRequestEvent</c> → <c>pull_request</c>; webhook names pass unchanged.</summary>
    public static string NormalizeType(string type) => GitHubEventTypes.FromEventsApiType(type.Trim());
}
