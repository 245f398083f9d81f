using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;

namespace Pipeline.IntegrationTests.ML;

/// <summary>The HTTP API on real Kestrel: API key, validation with field errors, size limits, registry routes, retrain 202.</summary>
[Collection(MlServersCollection.Name)]
public class HttpApiTests(MlServersFixture fx) : IAsyncLifetime
{
    private const string Key = "test-key-123";
    private MlTestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await MlTestApp.StartAsync(fx, s => s["Ml:ApiKey"] = Key);
        await _app.Get<Pipeline.ML.MlBootstrapper>().EnsureChampionsAsync();
        _app.Http.DefaultRequestHeaders.Add("x-api-key", Key);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> Problem(HttpResponseMessage r, HttpStatusCode expected)
    {
        Assert.Equal(expected, r.StatusCode);
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Predict_requires_the_api_key()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        using var r = await anonymous.PostAsync("/api/predict/issue", Json("""{"title":"x","repo":"a/b"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/predict/issue") { Content = Json("""{"title":"x","repo":"a/b"}""") };
        wrong.Headers.Add("x-api-key", "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong)).StatusCode);
        using var champion = await anonymous.PostAsync("/api/models/issue-labeler/aliases/champion", Json("""{"version":1}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, champion.StatusCode);
        using var retrain = await anonymous.PostAsync("/api/models/issue-labeler/retrain", null);
        Assert.Equal(HttpStatusCode.Unauthorized, retrain.StatusCode);
        using var list = await anonymous.GetAsync("/api/models"); // reading the registry is open
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task Predict_returns_both_models_with_version_and_latency()
    {
        using var r = await _app.Http.PostAsync("/api/predict/issue", Json("""
            {"title":"App crashes with NullReferenceException","body":"Stack trace below. <b>broken</b>","repo":"acme/api","number":12,"author":"bob","authorAssociation":"CONTRIBUTOR","labels":["bug"]}
            """));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var json = await r.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("acme/api#12", json.GetProperty("issueRef").GetString());
        var labeler = json.GetProperty("issueLabeler");
        Assert.Equal(ModelNames.IssueLabeler, labeler.GetProperty("model").GetString());
        Assert.Equal(1, labeler.GetProperty("version").GetInt32());
        Assert.Equal("bug", labeler.GetProperty("label").GetString());
        Assert.Equal(3, labeler.GetProperty("top").GetArrayLength());
        var ttc = json.GetProperty("timeToClose");
        Assert.InRange(ttc.GetProperty("probability").GetDouble(), 0, 1);
        Assert.True(ttc.GetProperty("expectedDays").GetDouble() >= 0);
        Assert.True(json.GetProperty("latencyMs").GetDouble() > 0);
    }

    [Fact]
    public async Task Invalid_requests_get_400_with_field_errors()
    {
        var longTitle = new string('t', 1001);
        var bigBody = new string('b', 65537);
        var body = JsonSerializer.Serialize(new { title = longTitle, body = bigBody, repo = "not a repo", models = new[] { "nope" } });
        var errors = (await Problem(await _app.Http.PostAsync("/api/predict/issue", Json(body)), HttpStatusCode.BadRequest)).GetProperty("errors");
        foreach (var field in new[] { "title", "body", "repo", "models" }) Assert.True(errors.TryGetProperty(field, out _), field);

        var missing = (await Problem(await _app.Http.PostAsync("/api/predict/issue", Json("{}")), HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal("title is required", missing.GetProperty("title")[0].GetString());

        var malformed = (await Problem(await _app.Http.PostAsync("/api/predict/issue", Json("""{"title": 5, "repo": "a/b"}""")), HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(malformed.TryGetProperty("title", out _));

        await Problem(await _app.Http.PostAsync("/api/predict/issue", Json("{not json")), HttpStatusCode.BadRequest);
        await Problem(await _app.Http.PostAsync("/api/predict/issue", new StringContent("title=x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType);
        await Problem(await _app.Http.PostAsync("/api/predict/issue", Json(JsonSerializer.Serialize(new { title = "x", repo = "a/b", body = new string('x', 300_000) }))),
            HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Batch_predicts_up_to_1000_items()
    {
        var items = Enumerable.Range(0, 1000).Select(i => new { title = $"How do I configure option {i}?", repo = "octo/cli" }).ToArray();
        using var ok = await _app.Http.PostAsJsonAsync("/api/predict/issues", new { items });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var json = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1000, json.GetProperty("count").GetInt32());
        Assert.Equal(1000, json.GetProperty("items").GetArrayLength());
        Assert.Equal("question", json.GetProperty("items")[0].GetProperty("issueLabeler").GetProperty("label").GetString());

        var tooMany = Enumerable.Range(0, 1001).Select(i => new { title = "x", repo = "a/b" }).ToArray();
        var errors = (await Problem(await _app.Http.PostAsJsonAsync("/api/predict/issues", new { items = tooMany }), HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("at most 1000 items", errors.GetProperty("items")[0].GetString());
        var itemErrors = (await Problem(await _app.Http.PostAsJsonAsync("/api/predict/issues", new { items = new object[] { new { title = "ok", repo = "a/b" }, new { repo = "a/b" } } }),
            HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(itemErrors.TryGetProperty("items[1].title", out _));
    }

    [Fact]
    public async Task Registry_routes_and_manual_promotion()
    {
        var list = await (await _app.Http.GetAsync("/api/models")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, list.GetProperty("models").GetArrayLength());
        var model = await (await _app.Http.GetAsync("/api/models/time-to-close")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, model.GetProperty("champion").GetInt32());
        Assert.Equal(1, model.GetProperty("servingVersion").GetInt32());
        var version = await (await _app.Http.GetAsync("/api/models/time-to-close/versions/1")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("promoted", version.GetProperty("gate").GetProperty("decision").GetString());
        Assert.True(version.GetProperty("testMetrics").GetProperty("auc").GetDouble() > 0.5);
        Assert.Equal(64, version.GetProperty("dataset").GetProperty("hash").GetString()!.Length);

        await Problem(await _app.Http.GetAsync("/api/models/nope"), HttpStatusCode.NotFound);
        await Problem(await _app.Http.GetAsync("/api/models/time-to-close/versions/42"), HttpStatusCode.NotFound);
        await Problem(await _app.Http.PostAsync("/api/models/time-to-close/aliases/champion", Json("""{"version":42}""")), HttpStatusCode.NotFound);
        var noVersion = (await Problem(await _app.Http.PostAsync("/api/models/time-to-close/aliases/champion", Json("{}")), HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(noVersion.TryGetProperty("version", out _));
        using var promote = await _app.Http.PostAsync("/api/models/time-to-close/aliases/champion", Json("""{"version":1,"reason":"pin"}"""));
        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
    }

    [Fact]
    public async Task Retrain_returns_202_with_a_status_url_that_reports_the_run()
    {
        using var r = await _app.Http.PostAsync("/api/models/issue-labeler/retrain", Json("""{"reason":"test"}"""));
        Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        var json = await r.Content.ReadFromJsonAsync<JsonElement>();
        var statusUrl = json.GetProperty("statusQueryGetUri").GetString()!;
        Assert.Contains("/api/models/issue-labeler/retrain/retrain-issue-labeler-", statusUrl);
        Assert.Equal(statusUrl, r.Headers.Location!.ToString());
        JsonElement status;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        do
        {
            await Task.Delay(300);
            status = await (await _app.Http.GetAsync(statusUrl)).Content.ReadFromJsonAsync<JsonElement>();
        }
        while (status.GetProperty("runtimeStatus").GetString() is "Pending" or "Running" && DateTime.UtcNow < deadline);
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        var output = status.GetProperty("output");
        Assert.Equal(2, output.GetProperty("version").GetInt32());
        Assert.Contains(output.GetProperty("decision").GetString(), new[] { "promoted", "rejected" });
        await Problem(await _app.Http.GetAsync("/api/models/issue-labeler/retrain/retrain-issue-labeler-missing"), HttpStatusCode.NotFound);
        await Problem(await _app.Http.GetAsync("/api/models/time-to-close/retrain/" + json.GetProperty("id").GetString()), HttpStatusCode.NotFound);
        await Problem(await _app.Http.PostAsync("/api/models/nope/retrain", null), HttpStatusCode.NotFound);
    }
}
