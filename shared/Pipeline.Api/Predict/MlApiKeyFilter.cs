using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.ML;

namespace Pipeline.Api.Predict;

/// <summary>
/// Local-host protection of predict and model-changing routes: when <c>Ml:ApiKey</c> (or <c>Api:Key</c>) is set, requests
/// must carry it in header <c>x-api-key</c> (401 otherwise). Azure Functions use function keys instead.
/// </summary>
internal sealed class MlApiKeyFilter : IEndpointFilter
{
    public const string HeaderName = "x-api-key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var key = context.HttpContext.RequestServices.GetRequiredService<IOptions<MlOptions>>().Value.ApiKey;
        return Reject(context.HttpContext, key) ?? await next(context);
    }

    /// <summary>The 401 answer when <paramref name="key"/> is set and the request does not carry it; null when it may pass.
    /// The predict routes call this from their handlers instead of going through the filter: a route with an endpoint
    /// filter boxes its arguments and result into an invocation context on every request, which the hottest route need not.</summary>
    public static IResult? Reject(HttpContext context, string? key)
    {
        if (string.IsNullOrEmpty(key)) return null;
        var given = context.Request.Headers[HeaderName].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key))
            ? null
            : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Missing or wrong API key", detail: $"Send the key in header '{HeaderName}'.");
    }
}
