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
        if (!string.IsNullOrEmpty(key))
        {
            var given = context.HttpContext.Request.Headers[HeaderName].ToString();
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key)))
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Missing or wrong API key", detail: $"Send the key in header '{HeaderName}'.");
        }
        return await next(context);
    }
}
