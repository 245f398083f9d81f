using System.Net;
using System.Text.Json;
using Pipeline.Testing.Deployment;

namespace Pipeline.IntegrationTests.Hosting;

/// <summary>
/// The OpenAPI document the running local host serves, against the Functions app's functions.metadata (every HTTP trigger)
/// and against the local host's own routing (every documented operation is routed, with the documented method).
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class OpenApiTests(LocalHostFixture fixture)
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task The_document_is_openapi_3_1_and_lists_exactly_the_functions_apps_http_routes()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("/api/openapi.json"));
        Assert.StartsWith("3.1", document.RootElement.GetProperty("openapi").GetString());
        var documented = Operations(document).Select(o => $"{o.Method} {FunctionsMetadata.NormalizeRoute(o.Path)}").ToHashSet(StringComparer.Ordinal);
        // The local host serves the pages without the api/ prefix (/dashboard); NormalizeRoute maps both to /api/dashboard.
        var functions = FunctionsMetadata.Load().Where(f => f.IsHttp)
            .SelectMany(f => f.Methods.Select(m => $"{m} {FunctionsMetadata.NormalizeRoute(f.Route ?? f.Name)}"))
            .ToHashSet(StringComparer.Ordinal);
        Assert.True(functions.SetEquals(documented),
            "only in functions.metadata: " + string.Join(", ", functions.Except(documented).Order()) +
            "\nonly in the OpenAPI document: " + string.Join(", ", documented.Except(functions).Order()));
    }

    [Fact]
    public async Task Every_documented_operation_is_routed_on_the_local_host_with_its_method()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("/api/openapi.json"));
        var problems = new List<string>();
        foreach (var (method, path) in Operations(document))
        {
            if (path is "/api/jobs/aggregate" && method == "POST") continue; // would start a run; covered by ManagementApiTests
            var url = System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]*\}", m => m.Value.Contains("version") ? "1" : "openapi-probe");
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            using var response = await Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            // An unrouted path is a 404 with an empty body and a wrong method a 405; handlers answer 404 with problem details.
            if (response.StatusCode == HttpStatusCode.MethodNotAllowed || (response.StatusCode == HttpStatusCode.NotFound && body.Length == 0 && !url.Contains("assets")))
            {
                problems.Add($"{method} {url}: {(int)response.StatusCode}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Response_schemas_come_from_the_response_records_and_the_ui_is_served()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("/api/openapi.json"));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var payload = schemas.GetProperty("ManagementPayload").GetProperty("properties");
        Assert.Equal(["id", "statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "rewindPostUri", "purgeHistoryDeleteUri"],
            payload.EnumerateObject().Select(p => p.Name).ToArray());
        var status = schemas.GetProperty("InstanceStatusDocument").GetProperty("properties");
        Assert.Equal(["name", "instanceId", "runtimeStatus", "input", "customStatus", "output", "createdTime", "lastUpdatedTime"],
            status.EnumerateObject().Select(p => p.Name).ToArray());
        var start = document.RootElement.GetProperty("paths").GetProperty("/api/backfill").GetProperty("post").GetProperty("responses").GetProperty("202");
        Assert.Contains("ManagementPayload", start.ToString());

        using var ui = await Http.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        // Scalar writes the document's route without its leading slash and resolves it against the site's base path
        // (scalar.aspnetcore.js: new URL(url, origin + basePath + "/")), so "api/openapi.json" is /api/openapi.json.
        Assert.Contains("\"url\":\"api/openapi.json\"", await ui.Content.ReadAsStringAsync());
    }

    private static List<(string Method, string Path)> Operations(JsonDocument document) =>
        document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)).Select(o => (o.Name.ToUpperInvariant(), p.Name)))
            .ToList();
}
