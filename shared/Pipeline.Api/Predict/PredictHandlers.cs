using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Pipeline.ML;
using Pipeline.ML.Serving;

namespace Pipeline.Api.Predict;

/// <summary>HTTP handlers of the prediction API (used by the local host and the Functions triggers).</summary>
public static class PredictHandlers
{
    /// <summary>Largest batch request body accepted (1,000 items of typical size).</summary>
    public const long MaxBatchRequestBytes = 32L * 1024 * 1024;

    /// <summary><c>POST /api/predict/issue</c>: predictions of both models (or those named in <c>models</c>) for one issue.</summary>
    public static async Task<IResult> PredictIssueAsync(HttpRequest request, PredictionService predictions, IOptions<MlOptions> options)
    {
        var serving = options.Value.Serving;
        var (body, error) = await ReadJsonAsync<IssuePredictionRequest>(request, serving.MaxBodyBytes * 2L + 16 * 1024);
        if (error is not null) return error;
        var errors = IssuePredictionValidator.Validate(body, serving);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid prediction request");
        try
        {
            return TypedResults.Json(predictions.Predict(body!), MlJson.Options);
        }
        catch (ModelNotReadyException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Model not ready", detail: ex.Message);
        }
    }

    /// <summary><c>POST /api/predict/issues</c>: up to <c>Ml:Serving:MaxBatchItems</c> (1,000) issues in one call.</summary>
    public static async Task<IResult> PredictIssuesAsync(HttpRequest request, PredictionService predictions, IOptions<MlOptions> options)
    {
        var serving = options.Value.Serving;
        var (body, error) = await ReadJsonAsync<IssueBatchPredictionRequest>(request, MaxBatchRequestBytes);
        if (error is not null) return error;
        var errors = IssuePredictionValidator.ValidateBatch(body, serving);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid batch prediction request");
        try
        {
            return TypedResults.Json(predictions.PredictBatch(body!.Items!), MlJson.Options);
        }
        catch (ModelNotReadyException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Model not ready", detail: ex.Message);
        }
    }

    /// <summary>Reads a JSON body with a size cap; 413 when too large, 400 (with the parser's reason) when malformed.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadJsonAsync<T>(HttpRequest request, long maxBytes) where T : class
    {
        if (request.ContentLength is { } len && len > maxBytes)
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large", detail: $"at most {maxBytes} bytes"));
        if (request.ContentType is { } ct && !ct.Contains("json", StringComparison.OrdinalIgnoreCase))
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send application/json"));
        // One pooled buffer per request (sized from Content-Length when sent), grown by doubling; nothing else is allocated to read.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 4096, 256, maxBytes + 1));
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
            {
                length += read;
                if (length > maxBytes)
                    return (null, TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large", detail: $"at most {maxBytes} bytes"));
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
            if (length == 0) return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a JSON body is required"] }));
            try
            {
                var value = JsonSerializer.Deserialize<T>(buffer.AsSpan(0, length), MlJson.Options);
                return value is null
                    ? (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a JSON object is required"] }))
                    : (value, null);
            }
            catch (JsonException ex)
            {
                var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
                return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"malformed JSON: {ex.Message}"] }));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static IEndpointRouteBuilder MapPredictEndpoints(this IEndpointRouteBuilder app)
    {
        // The API key is checked in the handlers (MlApiKeyFilter.Reject), not by AddEndpointFilter: same 401, without the
        // filter pipeline's per-request invocation context on the hottest route.
        var group = app.MapGroup("/api/predict");
        group.MapPost("/issue", (HttpRequest r, PredictionService p, IOptions<MlOptions> o) =>
            MlApiKeyFilter.Reject(r.HttpContext, o.Value.ApiKey) is { } denied ? Task.FromResult(denied) : PredictIssueAsync(r, p, o)).WithName("PredictIssue");
        group.MapPost("/issues", (HttpRequest r, PredictionService p, IOptions<MlOptions> o) =>
            MlApiKeyFilter.Reject(r.HttpContext, o.Value.ApiKey) is { } denied ? Task.FromResult(denied) : PredictIssuesAsync(r, p, o)).WithName("PredictIssues");
        return app;
    }
}
