using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Ingestion.Webhooks;
using Pipeline.Testing.Deployment;
using Pipeline.Testing.GitHub;

namespace Pipeline.FunctionsTests;

/// <summary>
/// The local host and the Functions app answer alike. For every HTTP trigger of the Functions app (enumerated from its
/// [Function] attributes, checked against the generated functions.metadata), the same request — method, path, query,
/// headers, body — goes to the local host process over HTTP and to the trigger through the ASP.NET Core integration, over
/// the same PostgreSQL, Azurite, Kafka mock cluster and durable backend (<see cref="ParityFixture"/>). Status code, content
/// type and body must be equal.
/// <para>Normalised, and nothing else: values generated per request or per process, and what each host runs. A body may
/// differ only (1) in the instance id a start generates (<c>{prefix}-{32 hex}</c>, a retrain's
/// <c>retrain-{model}-{yyyyMMddHHmmss}-{trigger}-{8 hex}</c>; in the id, the Location header and the management URLs); (2) in timestamps (ISO-8601 strings: a difference in format, as opposed to value, still fails);
/// (3) in a problem's <c>traceId</c>; (4) in measured durations (<c>elapsedMs</c>, "(12.3 ms)" in a health detail);
/// (5) in the webhook's delivery id: each host gets its own <c>X-GitHub-Delivery</c>, because both share the blob inbox and
/// a second delivery with the same id is a redelivery, answered "duplicate" (the Functions answer's id is mapped back);
/// (6) in what only the local host runs, being the worker too: its health lists the consumer, durable worker and warm-up
/// besides every dependency the Functions app lists, its ingestion status has the consumer's state and lag (null on the
/// Functions app), and its metrics have families the Functions app's are a subset of (the application's <c>pipeline_*</c> families: sample values are measurements, and the libraries' meters exported beside them depend on what the process has used);
/// (7) in a model's alias history after a promotion: the second host's answer has the entry the first host's promotion of
/// the same version wrote (the entries before it must be equal).
/// A start's instance is left to finish on the local host before the same request goes to the Functions trigger, so a
/// single-flight start (retrain) does not see the first host's run.</para>
/// </summary>
public sealed class ParityTests(ParityFixture hosts) : IClassFixture<ParityFixture>
{
    private const string ApiKeyHeader = "x-api-key";

    [Fact]
    public void The_triggers_are_the_HTTP_functions_of_functions_metadata()
    {
        var fromAttributes = FunctionsHttpInvoker.HttpFunctions()
            .Select(f => $"{f.Name} {string.Join(",", f.Methods)} {FunctionsMetadata.NormalizeRoute(f.Route)}").Order(StringComparer.Ordinal).ToList();
        var fromMetadata = FunctionsMetadata.Load().Where(e => e.IsHttp)
            .Select(e => $"{e.Name} {string.Join(",", e.Methods)} {FunctionsMetadata.NormalizeRoute(e.Route ?? e.Name)}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(fromMetadata, fromAttributes);
    }

    [Fact]
    public async Task Every_route_answers_the_same_on_both_hosts()
    {
        var functions = FunctionsHttpInvoker.HttpFunctions();
        // Reads before writes, so a start does not change what a later list shows on one host only.
        var cases = functions.SelectMany(f => f.Methods.SelectMany(m => Requests(f, m).Select(r => (Function: f, Request: r))))
            .OrderBy(c => c.Request.Method == "GET" ? 0 : 1).ThenBy(c => c.Function.Name, StringComparer.Ordinal).ToList();
        var covered = cases.Select(c => $"{c.Request.Method} {c.Function.Route}").ToHashSet(StringComparer.Ordinal);
        var uncovered = functions.SelectMany(f => f.Methods.Select(m => $"{m} {f.Route}")).Where(r => !covered.Contains(r)).ToList();
        Assert.True(uncovered.Count == 0, "routes without a parity request: " + string.Join(", ", uncovered));

        var differences = new List<string>();
        foreach (var (function, request) in cases)
        {
            var local = await SendToLocalAsync(request);
            await WaitForStartedInstanceAsync(local);
            var functionsRequest = request.Headers.ContainsKey("X-GitHub-Delivery") ? Redelivered(request) : request;
            var remote = await FunctionsHttpInvoker.InvokeAsync(hosts.Functions, function, functionsRequest, hosts.Durable, new Uri(hosts.Local.BaseUrl).Authority);
            if (functionsRequest != request)
            {
                remote = remote with { Body = Encoding.UTF8.GetBytes(remote.Text.Replace(functionsRequest.Headers["X-GitHub-Delivery"], request.Headers["X-GitHub-Delivery"], StringComparison.Ordinal)) };
            }
            await WaitForStartedInstanceAsync(remote);
            differences.AddRange(Compare(function, local, remote).Select(d => $"{function.Name} {request}: {d}"));
        }
        Assert.True(differences.Count == 0, $"{differences.Count} differences between the local host and the Functions triggers:"
            + Environment.NewLine + string.Join(Environment.NewLine, differences));
    }

    // ---- the requests ----

    /// <summary>The requests for one route: a value for each route parameter (by name, real where the fixture has one), the
    /// body a client sends, and a few query variants (valid and invalid) where the route reads the query.</summary>
    private IEnumerable<HttpRequestShape> Requests(HttpFunction function, string method)
    {
        var path = function.PathWith(p => RouteValue(function, p));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            // The local host's ML key (Ml:ApiKey); the Functions triggers are behind function keys instead.
            [ApiKeyHeader] = hosts.Settings["Ml:ApiKey"]!,
            ["Accept"] = "application/json",
        };
        if (method is "GET" or "DELETE")
        {
            foreach (var query in Queries(function.Name))
            {
                yield return new HttpRequestShape(method, path, query, headers, null);
            }
            yield break;
        }
        if (function.Name == "GitHubWebhook")
        {
            foreach (var example in new[] { WebhookExamples.Get("ping", 0), WebhookExamples.Of("issues").First() })
            {
                yield return new HttpRequestShape(method, path, "", new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase)
                {
                    ["Content-Type"] = "application/json",
                    ["X-GitHub-Event"] = example.Event,
                    ["X-GitHub-Delivery"] = Guid.NewGuid().ToString(),
                    ["X-Hub-Signature-256"] = WebhookSignatureVerifier.Sign(example.Body, hosts.Settings["GitHub:WebhookSecret"]!),
                }, example.Body);
            }
            // A wrong signature.
            var body = WebhookExamples.Get("ping", 0).Body;
            yield return new HttpRequestShape(method, path, "", new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase)
            {
                ["Content-Type"] = "application/json",
                ["X-GitHub-Event"] = "ping",
                ["X-GitHub-Delivery"] = Guid.NewGuid().ToString(),
                ["X-Hub-Signature-256"] = WebhookSignatureVerifier.Sign(body, "not-the-secret"),
            }, body);
            yield break;
        }
        foreach (var body in Bodies(function.Name))
        {
            yield return new HttpRequestShape(method, path, "", body is null ? headers
                : new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" },
                body is null ? null : Encoding.UTF8.GetBytes(body));
        }
    }

    private string RouteValue(HttpFunction function, string parameter) => (function.Name, parameter) switch
    {
        ("GetEvent", "id") => hosts.EventId,
        ("GetAggregation", "id") => hosts.AggregationId,
        (_, "instanceId") when function.Route.StartsWith("jobs/aggregate", StringComparison.Ordinal) && function.Methods.Contains("GET") => hosts.AggregationId,
        (_, "id") => "no-such-id",
        (_, "instanceId") => "no-such-instance",
        ("AuditChart", "name") => "score",
        (_, "name") => "issue-labeler",
        (_, "metric") => "language_popularity_monthly",
        (_, "file") => "dashboard.js",
        (_, "version") => "1",
        (_, "eventName") => "approval",
        _ => throw new InvalidOperationException($"{function}: no sample value for route parameter {parameter}"),
    };

    private static IEnumerable<string> Queries(string function) => function switch
    {
        "ListEvents" => ["", "?limit=5", "?repo=octo-org/octo-repo&limit=2", "?limit=0"],
        "GetTrend" => ["", "?compareYears=2", "?from=2024-01-01&to=2024-12-31", "?from=not-a-date"],
        "GetJobRuns" => ["", "?limit=1"],
        "ListModelRuns" => ["", "?decision=promoted&sort=-startedAt", "?decision=maybe"],
        "ListAggregationInstances" => ["?runtimeStatus=Completed", "?runtimeStatus=Completed&showInput=false", "?top=0", "?runtimeStatus=Sleeping"],
        "ListBackfillInstances" or "ListRetrainInstances" or "AuditList" => ["", "?top=5"],
        "GetAggregation" => ["", "?showInput=false"],
        _ => [""],
    };

    private static IEnumerable<string?> Bodies(string function) => function switch
    {
        "PredictIssue" => ["""{"title":"App crashes on start","body":"Stack trace attached"}""", """{"title":""}""", "not json"],
        "PredictIssues" => ["""{"items":[{"title":"App crashes on start","body":"Stack trace attached"}]}""", """{"items":[]}"""],
        "SetModelChampion" => ["""{"version":1,"reason":"parity"}""", "{}"],
        "RetrainModel" => ["""{"reason":"parity test"}"""],
        "StartBackfill" => ["""{"files":["/etc/hosts"]}""", """{"from":"2024-01-01T00","to":"2024-01-01T01","baseUrl":"http://127.0.0.1:1/"}""", "{", null],
        "StartAggregation" => ["""{"from":"2024-03-01","to":"2024-03-02"}""", """{"from":"yesterday"}""", """{"engine":"excel"}"""],
        "AuditStart" => ["{}", """{"path":"/etc"}""", "{"],
        _ => [null, "{}"],
    };

    /// <summary>After a 202 start: waits (up to two minutes) until the instance it names has finished.</summary>
    private async Task WaitForStartedInstanceAsync(HttpResponseShape response)
    {
        if (response.Status != 202 || !response.Headers.TryGetValue("Location", out var location) || location.Length == 0)
        {
            return;
        }
        var instanceId = Uri.UnescapeDataString(new Uri(location).Segments[^1].TrimEnd('/'));
        using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await hosts.Durable.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: false, wait.Token);
        }
        catch (OperationCanceledException)
        {
            // Still running: the comparison shows what that changes.
        }
    }

    private static HttpRequestShape Redelivered(HttpRequestShape request) =>
        request with { Headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase) { ["X-GitHub-Delivery"] = Guid.NewGuid().ToString() } };

    private async Task<HttpResponseShape> SendToLocalAsync(HttpRequestShape request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + request.Query);
        if (request.Body is { } body)
        {
            message.Content = new ByteArrayContent(body);
        }
        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }
        using var response = await hosts.Local.Http.SendAsync(message);
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new HttpResponseShape((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), headers, await response.Content.ReadAsByteArrayAsync());
    }

    // ---- the comparison ----

    private static readonly Regex InstanceId = new(@"\b([a-z][a-z-]*)-[0-9a-f]{32}\b", RegexOptions.Compiled);

    private static readonly Regex RetrainInstanceId = new(@"\bretrain-([a-z-]+)-\d{14}-([a-z]+)-[0-9a-f]{8}\b", RegexOptions.Compiled);

    private static readonly Regex Timestamp = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$", RegexOptions.Compiled);

    private static IEnumerable<string> Compare(HttpFunction function, HttpResponseShape local, HttpResponseShape functions)
    {
        if (local.Status != functions.Status)
        {
            yield return $"status {local.Status} (local) vs {functions.Status} (Functions); bodies: {Short(local.Text)} | {Short(functions.Text)}";
            yield break;
        }
        if (!string.Equals(local.ContentType, functions.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"content type '{local.ContentType}' (local) vs '{functions.ContentType}' (Functions)";
        }
        foreach (var header in new[] { "Location", "Retry-After", "ETag", "Cache-Control", "X-Already-Running", "x-ms-continuation-token" })
        {
            var l = local.Headers.GetValueOrDefault(header);
            var f = functions.Headers.GetValueOrDefault(header);
            if (!string.Equals(Normalize(l), Normalize(f), StringComparison.Ordinal))
            {
                yield return $"header {header} '{l}' (local) vs '{f}' (Functions)";
            }
        }
        if (function.Name == "Metrics")
        {
            foreach (var d in CompareMetrics(local.Text, functions.Text)) yield return d;
            yield break;
        }
        if (local.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && local.Body.Length > 0 && functions.Body.Length > 0)
        {
            JsonElement l, f;
            string? parseError = null;
            try
            {
                l = JsonDocument.Parse(local.Body).RootElement;
                f = JsonDocument.Parse(functions.Body).RootElement;
            }
            catch (JsonException e)
            {
                parseError = e.Message;
                l = f = default;
            }
            if (parseError is not null)
            {
                yield return $"unparseable JSON: {parseError}";
                yield break;
            }
            foreach (var d in CompareJson("$", l, f, LocalOnly(function.Name)).Take(10)) yield return d;
            yield break;
        }
        if (!string.Equals(Normalize(local.Text), Normalize(functions.Text), StringComparison.Ordinal))
        {
            yield return $"body {Short(local.Text)} (local) vs {Short(functions.Text)} (Functions)";
        }
    }

    /// <summary>JSON paths whose value only the local host has, being the worker too (null or absent on the Functions app).</summary>
    private static Func<string, bool> LocalOnly(string function) => function switch
    {
        "Health" or "HealthReady" => p => p is "$.dependencies.consumer" or "$.dependencies.durable" or "$.dependencies.warmup",
        "IngestionStatus" => p => p is "$.consumerState" or "$.consumerLag",
        _ => _ => false,
    };

    private static readonly Regex Duration = new(@"\(\d+(\.\d+)? ms\)", RegexOptions.Compiled);

    private static IEnumerable<string> CompareJson(string path, JsonElement local, JsonElement functions, Func<string, bool> localOnly)
    {
        if (localOnly(path) && functions.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            yield break;
        }
        if (local.ValueKind != functions.ValueKind)
        {
            yield return $"{path}: {local.ValueKind} {Short(local.GetRawText())} (local) vs {functions.ValueKind} {Short(functions.GetRawText())} (Functions)";
            yield break;
        }
        switch (local.ValueKind)
        {
            case JsonValueKind.Object:
                var l = local.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                var f = functions.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                foreach (var name in l.Keys.Union(f.Keys).Order(StringComparer.Ordinal))
                {
                    if (!l.TryGetValue(name, out var lv)) yield return $"{path}.{name}: only in the Functions answer";
                    else if (!f.TryGetValue(name, out var fv))
                    {
                        if (!localOnly($"{path}.{name}")) yield return $"{path}.{name}: only in the local answer";
                    }
                    else if (name is "traceId" or "elapsedMs") continue;
                    else foreach (var d in CompareJson($"{path}.{name}", lv, fv, localOnly)) yield return d;
                }
                break;
            case JsonValueKind.Array:
                var la = local.EnumerateArray().ToList();
                var fa = functions.EnumerateArray().ToList();
                if (path == "$.history" && fa.Count == la.Count + 1)
                {
                    fa.RemoveAt(fa.Count - 1); // (7): the entry the local host's promotion wrote
                }
                if (la.Count != fa.Count)
                {
                    yield return $"{path}: {la.Count} items (local) vs {fa.Count} (Functions)";
                    yield break;
                }
                for (var i = 0; i < la.Count; i++)
                {
                    foreach (var d in CompareJson($"{path}[{i}]", la[i], fa[i], localOnly)) yield return d;
                }
                break;
            case JsonValueKind.String:
                var ls = local.GetString()!;
                var fs = functions.GetString()!;
                var bothTimestamps = Timestamp.IsMatch(ls) && Timestamp.IsMatch(fs) && Shape(ls) == Shape(fs);
                if (!bothTimestamps && Duration.Replace(Normalize(ls)!, "(… ms)") != Duration.Replace(Normalize(fs)!, "(… ms)"))
                {
                    yield return $"{path}: \"{Short(ls)}\" (local) vs \"{Short(fs)}\" (Functions)";
                }
                break;
            default:
                if (local.GetRawText() != functions.GetRawText())
                {
                    yield return $"{path}: {local.GetRawText()} (local) vs {functions.GetRawText()} (Functions)";
                }
                break;
        }
    }

    /// <summary>Prometheus text: every pipeline_* metric family (# TYPE line) of the Functions app is on the local host, which
    /// also runs the consumer; sample values are each process's measurements.</summary>
    private static IEnumerable<string> CompareMetrics(string local, string functions)
    {
        static HashSet<string> Families(string text) =>
            // The application's own families; the libraries' meters (system_*, npgsql_*, prometheus_net_*) appear once the
            // process has used that library, which depends on the process, not on the app.
            text.Split('\n').Where(l => l.StartsWith("# TYPE pipeline_", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var l = Families(local);
        var f = Families(functions);
        if (f.Count == 0) yield return "the Functions app's metrics have no pipeline_* family";
        foreach (var only in f.Except(l).Order(StringComparer.Ordinal)) yield return $"metric family only on the Functions host: {only}";
    }

    private static string? Normalize(string? text) =>
        text is null ? null : RetrainInstanceId.Replace(InstanceId.Replace(text, "$1-{instanceId}"), "retrain-$1-{stamp}-$2-{id}");

    /// <summary>The format of a timestamp: digits as d, fractional seconds (whose length varies with trailing zeros) as .f.</summary>
    private static string Shape(string text) => Regex.Replace(Regex.Replace(text, @"\.\d+", ".f"), @"\d", "d");

    private static string Short(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
