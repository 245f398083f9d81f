using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipeline.Api.Dashboard;

public static class DashboardEndpoints
{
    /// <summary>GET /dashboard (a trailing slash matches too), GET /dashboard/runs (model runs compared),
    /// GET /dashboard/jobs (long-running operations), GET /dashboard/drift (a model's drift report) and
    /// GET /dashboard/assets/{file}.</summary>
    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard", (HttpRequest req) => DashboardHandlers.GetPage(req));
        app.MapGet("/dashboard/runs", (HttpRequest req) => DashboardHandlers.GetPage(req, "runs.html"));
        app.MapGet("/dashboard/jobs", (HttpRequest req) => DashboardHandlers.GetPage(req, "jobs.html"));
        app.MapGet("/dashboard/drift", (HttpRequest req) => DashboardHandlers.GetPage(req, "drift.html"));
        app.MapGet("/dashboard/assets/{file}", (HttpRequest req, string file) => DashboardHandlers.GetAsset(req, file));
        return app;
    }
}
