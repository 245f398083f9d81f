using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Domain.Json;

namespace Pipeline.Api.Management;

/// <summary>
/// The Durable Functions HTTP management API over one <see cref="ManagedOperation"/>, shared by the local host's routes and the
/// Functions app's triggers: the 202 start answer, the status query, the list with paging and a status filter, terminate,
/// raise event, rewind and purge. Documents and status codes follow Durable Functions' own HTTP API.
/// </summary>
public static class ManagementHandlers
{
    /// <summary>Seconds a client should wait before asking again about a running instance (Durable Functions sends 10).</summary>
    public const int RetryAfterSeconds = 10;

    public const string ContinuationHeader = "x-ms-continuation-token";

    public const int DefaultPageSize = 20;

    public const int MaxPageSize = 100;

    /// <summary>Runs a handler for an operation, or answers 404 Unknown model when a retrain route named no known model.</summary>
    public static Task<IResult> For(ManagedOperation? operation, Func<ManagedOperation, Task<IResult>> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return operation is null
            ? Task.FromResult<IResult>(TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown model",
                detail: $"known models: {string.Join(", ", Pipeline.ML.Training.ModelNames.All)}"))
            : handle(operation);
    }

    /// <summary>The start answer: 202 with the payload, <c>Location</c> = its status URL and <c>Retry-After</c>.</summary>
    public static IResult Accepted(HttpRequest request, ManagementPayload payload)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(payload);
        var headers = request.HttpContext.Response.Headers;
        headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers.Location = payload.StatusQueryGetUri;
        return TypedResults.Json(payload, PipelineJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The payload from this host's routes, with the local function key (Host:FunctionKey) when one is set.</summary>
    public static ManagementPayload LocalPayload(HttpRequest request, ManagedOperation operation, string instanceId)
    {
        // Host:FunctionKey is the local launcher's setting (HostingOptions in functions/Pipeline.LocalHost).
        var key = request.HttpContext.RequestServices.GetService<IConfiguration>()?["Host:FunctionKey"];
        return ManagementUrls.Create(request, operation, instanceId, key);
    }

    /// <summary>GET {collection}/{id}: 202 while pending or running (with Retry-After), 200 once finished, 404 when unknown.</summary>
    public static async Task<IResult> StatusAsync(HttpRequest request, DurableTaskClient client, ManagedOperation operation, string instanceId)
    {
        var showInput = !string.Equals(request.Query["showInput"], "false", StringComparison.OrdinalIgnoreCase);
        var meta = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, request.HttpContext.RequestAborted);
        if (meta is null || !operation.Owns(meta.InstanceId, meta.Name))
        {
            return NotFound(operation, instanceId);
        }
        var document = ToDocument(meta, showInput);
        if (IsRunning(meta.RuntimeStatus))
        {
            request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Json(document, PipelineJson.Options, statusCode: StatusCodes.Status202Accepted);
        }
        return TypedResults.Json(document, PipelineJson.Options);
    }

    /// <summary>
    /// GET {collection}?runtimeStatus=Running,Completed&amp;top=20&amp;continuationToken=…: one page of this operation's
    /// instances; the next page's token is in the body and in header <c>x-ms-continuation-token</c>.
    /// </summary>
    public static async Task<IResult> ListAsync(HttpRequest request, DurableTaskClient client, ManagedOperation operation)
    {
        var query = request.Query;
        var statuses = new List<OrchestrationRuntimeStatus>();
        foreach (var part in query["runtimeStatus"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Enum.TryParse<OrchestrationRuntimeStatus>(part, ignoreCase: true, out var status) || !Enum.IsDefined(status))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid list request",
                    detail: $"runtimeStatus '{part}' is not one of {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}");
            }
            statuses.Add(status);
        }
        var top = DefaultPageSize;
        var topText = query["top"].ToString();
        if (topText.Length > 0 && (!int.TryParse(topText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out top) || top < 1 || top > MaxPageSize))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid list request",
                detail: $"top must be an integer between 1 and {MaxPageSize} (got '{topText}')");
        }
        var token = query["continuationToken"].ToString() is { Length: > 0 } t ? t
            : request.Headers[ContinuationHeader].ToString() is { Length: > 0 } h ? h : null;
        var showInput = !string.Equals(query["showInput"], "false", StringComparison.OrdinalIgnoreCase);
        var filter = new OrchestrationQuery
        {
            InstanceIdPrefix = operation.InstanceIdPrefix,
            Statuses = statuses.Count > 0 ? statuses : null,
            PageSize = top,
            ContinuationToken = token,
            FetchInputsAndOutputs = true,
        };
        Page<OrchestrationMetadata>? page = null;
        await foreach (var p in client.GetAllInstancesAsync(filter).AsPages(token, top).WithCancellation(request.HttpContext.RequestAborted))
        {
            page = p;
            break;
        }
        var instances = (page?.Values ?? []).Where(m => operation.Owns(m.InstanceId, m.Name))
            .OrderByDescending(m => m.CreatedAt).Select(m => ToDocument(m, showInput)).ToList();
        var next = string.IsNullOrEmpty(page?.ContinuationToken) ? null : page!.ContinuationToken;
        if (next is not null)
        {
            request.HttpContext.Response.Headers[ContinuationHeader] = next;
        }
        return TypedResults.Json(new InstanceListDocument(instances, next), PipelineJson.Options);
    }

    /// <summary>POST {collection}/{id}/terminate?reason=…: 202 when accepted, 404 unknown, 410 when it already finished.</summary>
    public static async Task<IResult> TerminateAsync(HttpRequest request, DurableTaskClient client, ManagedOperation operation, string instanceId)
    {
        var ct = request.HttpContext.RequestAborted;
        var meta = await client.GetInstanceAsync(instanceId, ct);
        if (meta is null || !operation.Owns(meta.InstanceId, meta.Name)) return NotFound(operation, instanceId);
        if (!IsRunning(meta.RuntimeStatus) && meta.RuntimeStatus != OrchestrationRuntimeStatus.Suspended)
        {
            return Gone(instanceId, meta.RuntimeStatus, "terminate");
        }
        var reason = request.Query["reason"].ToString() is { Length: > 0 } r ? r[..Math.Min(r.Length, 500)] : "terminated through the management API";
        await client.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions { Output = reason }, ct);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>POST {collection}/{id}/raiseEvent/{eventName} with an optional JSON body: 202, 404 unknown, 410 when finished.</summary>
    public static async Task<IResult> RaiseEventAsync(HttpRequest request, DurableTaskClient client, ManagedOperation operation, string instanceId, string eventName)
    {
        var ct = request.HttpContext.RequestAborted;
        var meta = await client.GetInstanceAsync(instanceId, ct);
        if (meta is null || !operation.Owns(meta.InstanceId, meta.Name)) return NotFound(operation, instanceId);
        if (!IsRunning(meta.RuntimeStatus)) return Gone(instanceId, meta.RuntimeStatus, "raise an event on");
        JsonElement? data = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
                data = body.RootElement.Clone();
            }
            catch (JsonException e)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid event data", detail: "the body must be JSON: " + e.Message);
            }
        }
        await client.RaiseEventAsync(instanceId, eventName, data, ct);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>POST {collection}/{id}/rewind?reason=…: replays a failed instance from its failed step; 202, 404, 410 unless failed.</summary>
    public static async Task<IResult> RewindAsync(HttpRequest request, DurableTaskClient client, ManagedOperation operation, string instanceId)
    {
        var ct = request.HttpContext.RequestAborted;
        var meta = await client.GetInstanceAsync(instanceId, ct);
        if (meta is null || !operation.Owns(meta.InstanceId, meta.Name)) return NotFound(operation, instanceId);
        if (meta.RuntimeStatus != OrchestrationRuntimeStatus.Failed) return Gone(instanceId, meta.RuntimeStatus, "rewind (only failed instances can be)");
        try
        {
            await client.RewindInstanceAsync(instanceId, request.Query["reason"].ToString() is { Length: > 0 } r ? r : "rewound through the management API", ct);
        }
        catch (Exception e) when (IsUnsupported(e))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status501NotImplemented, title: "Rewind not supported",
                detail: "this Durable Task backend does not implement rewind; start the operation again instead");
        }
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>DELETE {collection}/{id}: purges a finished instance's history (200 {instancesDeleted}); 404 unknown; 409 while it runs.</summary>
    public static async Task<IResult> PurgeAsync(HttpRequest request, DurableTaskClient client, ManagedOperation operation, string instanceId)
    {
        var ct = request.HttpContext.RequestAborted;
        var meta = await client.GetInstanceAsync(instanceId, ct);
        if (meta is null || !operation.Owns(meta.InstanceId, meta.Name)) return NotFound(operation, instanceId);
        if (IsRunning(meta.RuntimeStatus) || meta.RuntimeStatus == OrchestrationRuntimeStatus.Suspended)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Instance still running",
                detail: $"{instanceId} is {meta.RuntimeStatus}; terminate it before purging its history");
        }
        var result = await client.PurgeInstanceAsync(instanceId, ct);
        return result.PurgedInstanceCount == 0
            ? NotFound(operation, instanceId)
            : TypedResults.Json(new PurgeResult(result.PurgedInstanceCount), PipelineJson.Options);
    }

    internal static InstanceStatusDocument ToDocument(OrchestrationMetadata meta, bool showInput = true)
    {
        ArgumentNullException.ThrowIfNull(meta);
        JsonElement? output = meta.RuntimeStatus == OrchestrationRuntimeStatus.Failed && meta.FailureDetails is { } f
            ? JsonSerializer.SerializeToElement(f.ErrorMessage, PipelineJson.Options)
            : Parse(meta.SerializedOutput);
        return new InstanceStatusDocument(
            meta.Name,
            meta.InstanceId,
            meta.RuntimeStatus.ToString(),
            showInput ? Parse(meta.SerializedInput) : null,
            Parse(meta.SerializedCustomStatus),
            output,
            meta.CreatedAt,
            meta.LastUpdatedAt);
    }

    // The gRPC client reports an unimplemented call as Grpc.Core.RpcException (StatusCode.Unimplemented); this project does
    // not reference Grpc itself, so the type is matched by name.
    private static bool IsUnsupported(Exception e) =>
        e is NotSupportedException or NotImplementedException
        || (e.GetType().FullName == "Grpc.Core.RpcException" && e.Message.Contains("Unimplemented", StringComparison.Ordinal));

    private static bool IsRunning(OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running;

    // Orchestration state is stored by the Durable data converter (PascalCase .NET names); the API answers in the one camelCase
    // policy, so property names are re-cased on the way out (values, and names already camelCase, are unchanged).
    private static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(json);
            return JsonSerializer.SerializeToElement(CamelCase(node), PipelineJson.Options);
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json, PipelineJson.Options);
        }
    }

    private static System.Text.Json.Nodes.JsonNode? CamelCase(System.Text.Json.Nodes.JsonNode? node)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject o:
                var copy = new System.Text.Json.Nodes.JsonObject();
                foreach (var (key, value) in o.ToList())
                {
                    var name = JsonNamingPolicy.CamelCase.ConvertName(key);
                    copy[copy.ContainsKey(name) ? key : name] = CamelCase(value?.DeepClone());
                }
                return copy;
            case System.Text.Json.Nodes.JsonArray a:
                return new System.Text.Json.Nodes.JsonArray(a.Select(v => CamelCase(v?.DeepClone())).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    private static ProblemHttpResult NotFound(ManagedOperation operation, string instanceId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown instance", detail: $"no {operation.Kind} instance '{instanceId}'");

    private static ProblemHttpResult Gone(string instanceId, OrchestrationRuntimeStatus status, string action) =>
        TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Instance not running", detail: $"{instanceId} is {status}; cannot {action} it");
}
