using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pipeline.Api.Management;
using Pipeline.Api.Predict;
using Pipeline.ML;
using Pipeline.ML.Monitoring;
using Pipeline.ML.Registry;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;
using Pipeline.Orchestration.ML;
using Pipeline.Storage;

namespace Pipeline.Api.Models;

/// <summary>HTTP handlers of the model registry, retraining and monitoring API.</summary>
public static class ModelHandlers
{
    private static IResult UnknownModel(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown model", detail: $"'{name}' is not a model; known: {string.Join(", ", ModelNames.All)}");

    /// <summary><c>GET /api/models</c>: every model with its aliases, serving version and champion metrics.</summary>
    public static async Task<IResult> ListModelsAsync(ModelRegistry registry, PredictionService predictions, CancellationToken ct = default)
    {
        var models = new List<ModelSummary>();
        foreach (var name in ModelNames.All)
        {
            var head = await registry.GetHeadAsync(name, ct);
            var champion = head?.Champion is { } c ? await registry.GetVersionAsync(name, c, ct) : null;
            models.Add(new ModelSummary(name, ModelNames.PrimaryMetric(name), head?.Champion, head?.Challenger, head?.LatestVersion ?? 0,
                predictions.ServingVersion(name), champion?.TestMetrics, champion?.Trainer, champion?.CreatedAt, champion?.Dataset));
        }
        return TypedResults.Json(new ModelListResponse(models), MlJson.Options);
    }

    /// <summary><c>GET /api/models/{name}</c>: aliases, alias history and the versions (newest first) with their metrics.</summary>
    public static async Task<IResult> GetModelAsync(string name, ModelRegistry registry, PredictionService predictions, CancellationToken ct = default)
    {
        if (!ModelNames.IsKnown(name)) return UnknownModel(name);
        var head = await registry.GetHeadAsync(name, ct);
        var versions = await registry.ListVersionsAsync(name, 100, ct);
        return TypedResults.Json(new ModelDetailsResponse(name, ModelNames.PrimaryMetric(name), head?.Champion, head?.Challenger,
            head?.LatestVersion ?? 0, predictions.ServingVersion(name), head?.History ?? [], versions.Select(ModelVersionSummary.Of).ToList()), MlJson.Options);
    }

    /// <summary><c>GET /api/models/{name}/versions/{version}</c>: the full registry document of one version.</summary>
    public static async Task<IResult> GetVersionAsync(string name, int version, ModelRegistry registry, CancellationToken ct = default)
    {
        if (!ModelNames.IsKnown(name)) return UnknownModel(name);
        var v = await registry.GetVersionAsync(name, version, ct);
        return v is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown version", detail: $"{name} has no version {version}")
            : TypedResults.Json(v, MlJson.Options);
    }

    /// <summary><c>POST /api/models/{name}/aliases/champion</c> {version, reason?}: manual promotion or rollback; serving swaps at once.</summary>
    public static async Task<IResult> SetChampionAsync(HttpRequest request, string name, ModelRegistry registry, PredictionService predictions, CancellationToken ct = default)
    {
        if (!ModelNames.IsKnown(name)) return UnknownModel(name);
        var (body, error) = await PredictHandlers.ReadJsonAsync<SetChampionRequest>(request, 16 * 1024);
        if (error is not null) return error;
        if (body!.Version is not { } version || version <= 0)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = ["version (a positive integer) is required"] });
        try
        {
            var head = await registry.PromoteAsync(name, version, body.Reason is { Length: > 0 } r ? $"manual: {r}" : "manual promotion", ct);
            await predictions.ActivateAsync(name, version, ct);
            return TypedResults.Json(new ChampionResponse(name, head.Champion, head.Challenger, predictions.ServingVersion(name), head.History), MlJson.Options);
        }
        catch (KeyNotFoundException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown version", detail: ex.Message);
        }
    }

    /// <summary><c>POST /api/models/{name}/retrain</c>: starts RetrainModelOrchestrator (single-flight per model); 202 with the
    /// management payload of the run, the running one when a retrain of this model is already in progress.</summary>
    /// <param name="payload">The management payload for an instance id (the Functions app's Durable helper); null: this host's routes.</param>
    public static async Task<IResult> RetrainAsync(HttpRequest request, string name, DurableTaskClient client, IDocumentStore store, IOptions<MlOptions> options,
        CancellationToken ct = default, Func<string, ManagementPayload>? payload = null)
    {
        if (!ModelNames.IsKnown(name)) return UnknownModel(name);
        var reason = "manual retrain";
        if (request.ContentLength is > 0)
        {
            var (body, error) = await PredictHandlers.ReadJsonAsync<RetrainHttpRequest>(request, 16 * 1024);
            if (error is not null) return error;
            if (body?.Reason is { Length: > 0 } r) reason = r.Length > 500 ? r[..500] : r;
        }
        // Single-flight: while a retrain of this model runs, the request gets that instance (header X-Already-Running: true).
        var start = await RetrainStarter.StartAsync(client, store, options.Value, name, reason, RetrainStarter.Manual, ct);
        var instanceId = start.InstanceId!;
        if (!start.Started) request.HttpContext.Response.Headers["X-Already-Running"] = "true";
        return ManagementHandlers.Accepted(request, payload?.Invoke(instanceId) ?? ManagementHandlers.LocalPayload(request, ManagedOperation.Retrain(name), instanceId));
    }

    /// <summary>
    /// <c>GET /api/models/{name}/runs</c>: the model's training runs (experiment tracking), newest first. Query:
    /// <c>metric</c> with <c>min</c>/<c>max</c> filters on a test metric, <c>sort</c> = a test metric name, <c>startedAt</c> or
    /// <c>durationSeconds</c> (prefix <c>-</c> for descending), <c>decision</c> = promoted|rejected, <c>limit</c> (default 50).
    /// </summary>
    public static async Task<IResult> ListRunsAsync(HttpRequest request, string name, TrainingRunStore runs, CancellationToken ct = default)
    {
        if (!ModelNames.IsKnown(name)) return UnknownModel(name);
        var q = request.Query;
        double? Number(string key, out string? error)
        {
            error = null;
            if (!q.TryGetValue(key, out var v) || string.IsNullOrEmpty(v)) return null;
            if (double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)) return d;
            error = $"{key} must be a number (got '{v}')";
            return null;
        }
        var min = Number("min", out var e1);
        var max = Number("max", out var e2);
        var limit = Number("limit", out var e3);
        var errors = new[] { e1, e2, e3 }.OfType<string>().ToList();
        string? metric = q["metric"];
        string? decision = q["decision"];
        if ((min is not null || max is not null) && string.IsNullOrEmpty(metric)) errors.Add("min/max need metric");
        if (decision is not null && decision is not ("promoted" or "rejected")) errors.Add("decision must be promoted or rejected");
        if (limit is not null && limit is < 1 or > 1000) errors.Add("limit must be between 1 and 1000");
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["query"] = errors.ToArray() });
        var list = await runs.ListAsync(name, metric, min, max, q["sort"], (int)(limit ?? 50), decision, ct);
        return TypedResults.Json(new ModelRunsResponse(name, list.Count, list), TrainingRun.Json);
    }

    /// <summary><c>GET /api/models/{name}/runs/{id}</c>: a tracked training run with its folds (<c>id</c> = the run id); the
    /// retrain orchestration's own status is <c>GET /api/models/{name}/retrain/{instanceId}</c> (management API).</summary>
    public static async Task<IResult> GetRunAsync(string name, string id, TrainingRunStore runs, CancellationToken ct = default)
    {
        if (!ModelNames.IsKnown(name)) return UnknownModel(name);
        if (await runs.GetAsync(name, id, ct) is { } run) return TypedResults.Json(run, TrainingRun.Json);
        return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown run", detail: $"no training run '{id}' of {name}");
    }

    /// <summary><c>GET /api/models/{name}/monitor</c>: the newest monitoring reports (live metrics, drift, decisions).</summary>
    public static async Task<IResult> GetMonitorReportsAsync(string name, ModelMonitor monitor, CancellationToken ct = default)
    {
        if (!ModelNames.IsKnown(name)) return UnknownModel(name);
        var reports = await monitor.RecentReportsAsync(name, 50, ct);
        return TypedResults.Json(new MonitorReportsResponse(name, reports), MlJson.Options);
    }

    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/models");
        group.MapGet("/", (ModelRegistry r, PredictionService p, CancellationToken ct) => ListModelsAsync(r, p, ct)).WithName("ListModels");
        group.MapGet("/{name}", (string name, ModelRegistry r, PredictionService p, CancellationToken ct) => GetModelAsync(name, r, p, ct)).WithName("GetModel");
        group.MapGet("/{name}/versions/{version:int}", (string name, int version, ModelRegistry r, CancellationToken ct) => GetVersionAsync(name, version, r, ct)).WithName("GetModelVersion");
        group.MapGet("/{name}/runs", (HttpRequest req, string name, TrainingRunStore runs, CancellationToken ct) => ListRunsAsync(req, name, runs, ct)).WithName("ListModelRuns");
        group.MapGet("/{name}/runs/{id}", (string name, string id, TrainingRunStore runs, CancellationToken ct) => GetRunAsync(name, id, runs, ct)).WithName("GetModelRun");
        group.MapGet("/{name}/monitor", (string name, ModelMonitor m, CancellationToken ct) => GetMonitorReportsAsync(name, m, ct)).WithName("GetModelMonitorReports");
        group.MapPost("/{name}/retrain", (HttpRequest req, string name, DurableTaskClient c, IDocumentStore s, IOptions<MlOptions> o, CancellationToken ct) =>
                RetrainAsync(req, name, c, s, o, ct))
            .AddEndpointFilter<MlApiKeyFilter>().WithName("RetrainModel");
        group.MapPost("/{name}/aliases/champion", (HttpRequest req, string name, ModelRegistry r, PredictionService p, CancellationToken ct) => SetChampionAsync(req, name, r, p, ct))
            .AddEndpointFilter<MlApiKeyFilter>().WithName("SetModelChampion");
        return app;
    }
}
