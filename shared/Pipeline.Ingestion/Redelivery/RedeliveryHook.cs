namespace Pipeline.Ingestion.Redelivery;

internal enum RedeliveryHookKind
{
    Repository,
    Organization,
    App,
}

/// <summary>One configured hook (<c>repo:owner/name:id</c>, <c>org:name:id</c>, <c>app</c>) and its deliveries path.</summary>
internal sealed record RedeliveryHook(RedeliveryHookKind Kind, string Owner, string? Name, long Id, string Text)
{
    /// <summary>The deliveries list path relative to the API root (no leading slash).</summary>
    public string DeliveriesPath => Kind switch
    {
        RedeliveryHookKind.Repository => $"repos/{Uri.EscapeDataString(Owner)}/{Uri.EscapeDataString(Name!)}/hooks/{Id}/deliveries",
        RedeliveryHookKind.Organization => $"orgs/{Uri.EscapeDataString(Owner)}/hooks/{Id}/deliveries",
        _ => "app/hook/deliveries",
    };

    public static bool TryParse(string text, out RedeliveryHook? hook, out string? error)
    {
        hook = null;
        error = null;
        var t = text.Trim();
        if (string.Equals(t, "app", StringComparison.OrdinalIgnoreCase))
        {
            hook = new RedeliveryHook(RedeliveryHookKind.App, "", null, 0, t);
            return true;
        }
        var parts = t.Split(':');
        if (parts.Length == 3 && long.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0)
        {
            if (parts[0].Equals("repo", StringComparison.OrdinalIgnoreCase))
            {
                var repo = parts[1].Split('/');
                if (repo.Length == 2 && repo.All(p => p.Length > 0))
                {
                    hook = new RedeliveryHook(RedeliveryHookKind.Repository, repo[0], repo[1], id, t);
                    return true;
                }
            }
            else if (parts[0].Equals("org", StringComparison.OrdinalIgnoreCase) && parts[1].Length > 0 && !parts[1].Contains('/', StringComparison.Ordinal))
            {
                hook = new RedeliveryHook(RedeliveryHookKind.Organization, parts[1], null, id, t);
                return true;
            }
        }
        error = $"'{text}' is not repo:owner/name:hookId, org:name:hookId or app";
        return false;
    }
}
