using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Pipeline.Api;

namespace Pipeline.LocalHost;

/// <summary>
/// ASP.NET Core rate limiting for the anonymous routes of the local host (webhooks, health, ingestion status, dashboard,
/// trends...): a token bucket per client address (<c>Host:AnonymousRequestsPerSecond</c>, burst
/// <c>Host:AnonymousRequestBurst</c>); over it the answer is 429 with <c>Retry-After</c>. Routes that need a function key
/// are not limited here (the key is the gate). In Azure the Functions front end and API Management do this job.
/// </summary>
internal static class LocalRateLimiting
{
    public static IServiceCollection AddLocalRateLimiting(this IServiceCollection services, HostingOptions hosting)
    {
        if (hosting.AnonymousRequestsPerSecond <= 0) return services;
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (context.GetEndpoint() is RouteEndpoint endpoint && FunctionKeyRoutes.Requires(context.Request.Method, endpoint.RoutePattern.RawText ?? ""))
                {
                    return RateLimitPartition.GetNoLimiter("keyed");
                }
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(hosting.AnonymousRequestBurst, hosting.AnonymousRequestsPerSecond),
                    TokensPerPeriod = hosting.AnonymousRequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    public static IApplicationBuilder UseLocalRateLimiting(this IApplicationBuilder app, HostingOptions hosting) =>
        hosting.AnonymousRequestsPerSecond <= 0 ? app : app.UseRateLimiter();
}
