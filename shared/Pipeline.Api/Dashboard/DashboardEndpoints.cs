using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipeline.Api.Dashboard;

internal static class DashboardEndpoints
{
    /// <summary>The prefixes the pages are served under: <c>/dashboard</c>, and <c>/api/dashboard</c>, the Functions app's
    /// route (host.json's routePrefix "api"), so a link or a test written against one host works on the other.</summary>
    public static IReadOnlyList<string> Prefixes { get; } = ["/dashboard", "/api/dashboard"];

    /// <summary>GET /dashboard (a trailing slash matches too), GET /dashboard/runs (model runs compared),
    /// GET /dashboard/jobs (long-running operations), GET /dashboard/drift (a model's drift report) and
    /// GET /dashboard/assets/{file}; the same under /api/dashboard (the audit page: AuditEndpoints).</summary>
    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in Prefixes)
        {
            // One description per page in the OpenAPI document: the /dashboard routes (its paths are normalised to /api/…).
            var described = prefix == Prefixes[0];
            Describe(app.MapGet(prefix, (HttpRequest req) => DashboardHandlers.GetPage(req)), described);
            Describe(app.MapGet(prefix + "/runs", (HttpRequest req) => DashboardHandlers.GetPage(req, "runs.html")), described);
            Describe(app.MapGet(prefix + "/jobs", (HttpRequest req) => DashboardHandlers.GetPage(req, "jobs.html")), described);
            Describe(app.MapGet(prefix + "/drift", (HttpRequest req) => DashboardHandlers.GetPage(req, "drift.html")), described);
            Describe(app.MapGet(prefix + "/assets/{file}", (HttpRequest req, string file) => DashboardHandlers.GetAsset(req, file)), described);
        }
        return app;
    }

    /// <summary>Leaves a route out of the OpenAPI document unless it is the described one of its page.</summary>
    internal static void Describe(RouteHandlerBuilder route, bool described)
    {
        if (!described)
        {
            route.ExcludeFromDescription();
        }
    }
}
