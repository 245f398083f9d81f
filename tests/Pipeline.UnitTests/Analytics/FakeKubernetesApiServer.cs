using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pipeline.UnitTests.Analytics;

/// <summary>
/// A local HTTP server (Kestrel on 127.0.0.1) that plays the Kubernetes API for the Spark Operator's CRD:
/// POST creates a SparkApplication (409 AlreadyExists for a known name), GET returns it with
/// <c>status.applicationState.state</c> moving SUBMITTED → RUNNING → COMPLETED on successive reads, or FAILED for
/// applications whose job is listed in <see cref="FailingJobs"/>. <see cref="OnCompleted"/> plays the Spark driver.
/// </summary>
public sealed class FakeKubernetesApiServer : IAsyncDisposable
{
    private const string Base = "/apis/sparkoperator.k8s.io/v1beta2/namespaces/{ns}/sparkapplications";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (JsonObject App, int Reads)> _apps = new();

    public ConcurrentBag<string> Requests { get; } = [];
    public HashSet<string> FailingJobs { get; } = [];
    public Func<JsonObject, Task>? OnCompleted { get; set; }
    public string Url => _app.Urls.First();
    public IReadOnlyDictionary<string, JsonObject> Applications => _apps.ToDictionary(kv => kv.Key, kv => kv.Value.App);

    private FakeKubernetesApiServer(WebApplication app) => _app = app;

    public static async Task<FakeKubernetesApiServer> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeKubernetesApiServer(app);
        app.MapPost(Base, server.CreateAsync);
        app.MapGet(Base + "/{name}", server.GetAsync);
        await app.StartAsync();
        return server;
    }

    private async Task<IResult> CreateAsync(HttpRequest request, string ns)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
        var name = body["metadata"]!["name"]!.GetValue<string>();
        Requests.Add($"POST {ns}/{name}");
        if (body["kind"]?.GetValue<string>() != "SparkApplication" || body["apiVersion"]?.GetValue<string>() != "sparkoperator.k8s.io/v1beta2")
        {
            return Results.Json(Status(400, "BadRequest", "not a SparkApplication"), statusCode: 400);
        }
        if (!_apps.TryAdd(name, (body, 0)))
        {
            return Results.Json(Status(409, "AlreadyExists", $"sparkapplications.sparkoperator.k8s.io \"{name}\" already exists"), statusCode: 409);
        }
        return Results.Json(body, statusCode: 201);
    }

    private async Task<IResult> GetAsync(string ns, string name)
    {
        Requests.Add($"GET {ns}/{name}");
        if (!_apps.TryGetValue(name, out var entry))
        {
            return Results.Json(Status(404, "NotFound", $"sparkapplications.sparkoperator.k8s.io \"{name}\" not found"), statusCode: 404);
        }
        var reads = entry.Reads + 1;
        _apps[name] = (entry.App, reads);
        var job = entry.App["metadata"]!["labels"]!["pipeline.dev/job"]!.GetValue<string>();
        var failing = FailingJobs.Contains(job);
        var state = reads switch
        {
            1 => "SUBMITTED",
            2 => "RUNNING",
            _ => failing ? "FAILED" : "COMPLETED",
        };
        if (state == "COMPLETED" && reads == 3 && OnCompleted is not null) await OnCompleted(entry.App);
        var copy = entry.App.DeepClone().AsObject();
        copy["status"] = new JsonObject
        {
            ["applicationState"] = new JsonObject
            {
                ["state"] = state,
                ["errorMessage"] = state == "FAILED" ? "driver container failed with ExitCode: 1, Reason: Error" : null,
            },
            ["sparkApplicationId"] = "spark-" + name,
        };
        return Results.Json(copy);
    }

    private static JsonObject Status(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
