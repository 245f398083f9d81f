namespace Pipeline.LocalHost;

/// <summary>
/// The routes that are AuthorizationLevel.Function in the Azure Functions app (a test keeps this list equal to the
/// generated functions.metadata), as "METHOD api/route" with route parameters written {}.
/// </summary>
internal static class FunctionKeyRoutes
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "POST api/predict/issue",
        "POST api/predict/issues",
        "POST api/models/{}/aliases/champion",
        "POST api/models/{}/retrain",
        "GET api/events",
        "GET api/events/{}",
        "POST api/backfill",
        "GET api/backfill/{}",
        "POST api/audit",
        "GET api/audit",
        "GET api/audit/{}",
        "GET api/audit/{}/charts/{}",
        "POST api/jobs/aggregate",
        "GET api/jobs/aggregate/{}",
        // The management API of the long-running operations (Pipeline.Api/Management).
        "GET api/backfill",
        "POST api/backfill/{}/terminate",
        "POST api/backfill/{}/raiseEvent/{}",
        "POST api/backfill/{}/rewind",
        "DELETE api/backfill/{}",
        "GET api/jobs/aggregate",
        "POST api/jobs/aggregate/{}/terminate",
        "POST api/jobs/aggregate/{}/raiseEvent/{}",
        "POST api/jobs/aggregate/{}/rewind",
        "DELETE api/jobs/aggregate/{}",
        "GET api/models/{}/retrain",
        "POST api/models/{}/retrain/{}/terminate",
        "POST api/models/{}/retrain/{}/raiseEvent/{}",
        "POST api/models/{}/retrain/{}/rewind",
        "DELETE api/models/{}/retrain/{}",
        "POST api/audit/{}/terminate",
        "POST api/audit/{}/raiseEvent/{}",
        "POST api/audit/{}/rewind",
        "DELETE api/audit/{}",
        "GET api/audit/{}/report",
    };

    /// <summary>"METHOD api/a/{}/b" for a route template such as "/api/a/{id:int}/b".</summary>
    public static string Normalize(string method, string template) =>
        method.ToUpperInvariant() + " " + System.Text.RegularExpressions.Regex.Replace(template.Trim('/'), @"\{[^}]*\}", "{}");

    public static bool Requires(string method, string template) => All.Contains(Normalize(method, template));
}
