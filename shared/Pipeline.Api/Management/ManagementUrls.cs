using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Api.Management;

/// <summary>
/// Builds the management payload from this host's own routes (the local host has no Durable runtime webhooks): absolute URLs
/// from the request's scheme, host and path base, with <c>code=</c> when a function key is configured.
/// </summary>
internal static class ManagementUrls
{
    public static ManagementPayload Create(HttpRequest request, ManagedOperation operation, string instanceId, string? functionKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(operation);
        var root = string.Create(CultureInfo.InvariantCulture, $"{request.Scheme}://{request.Host}{request.PathBase}");
        var instance = $"{root}{operation.Collection}/{Uri.EscapeDataString(instanceId)}";
        var code = string.IsNullOrEmpty(functionKey) ? "" : "code=" + Uri.EscapeDataString(functionKey);
        string With(string url, string query) =>
            url + (query.Length == 0 && code.Length == 0 ? "" : "?" + string.Join('&', new[] { query, code }.Where(s => s.Length > 0)));
        return new ManagementPayload(
            instanceId,
            With(instance, ""),
            With(instance + "/raiseEvent/{eventName}", ""),
            With(instance + "/terminate", "reason={text}"),
            With(instance + "/rewind", "reason={text}"),
            With(instance, ""));
    }
}
