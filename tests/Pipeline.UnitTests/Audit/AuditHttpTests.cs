// pipeline-audit:ignore — tests of the audit itself.
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Api.Audit;
using Pipeline.Api.Management;
using Pipeline.Audit;
using Pipeline.Orchestration.Audit;
using Pipeline.Storage;

namespace Pipeline.UnitTests.Audit;

/// <summary>The audit HTTP API on a real Kestrel (127.0.0.1, free port) over the in-process Durable Task host.</summary>
public sealed class AuditHttpTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly InMemoryDocumentStore _store = new();
    private DurableTaskTestHost _host = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private string _repoPath = "";
    private int _closedPort;

    public async Task InitializeAsync()
    {
        _repoPath = AuditFixtures.Analytics(_dir);
        // Clones go to a closed local port: "owner/name" requests fail the way they do offline, quickly and without network.
        _closedPort = Pipeline.Embedded.PortFinder.FreeTcpPort();
        var options = new AuditOptions { WorkDir = _dir.Sub("work"), CloneBaseUrl = $"http://127.0.0.1:{_closedPort}/" };
        _host = await AuditOrchestrationTests.StartHostAsync(_store, options);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        // Local paths must lie under Audit:AllowedRoots (the default, <data directory>/repos, does not hold the fixture).
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Audit:WorkDir"] = options.WorkDir, ["Audit:AllowedRoots:0"] = _dir.Path });
        builder.Services.AddPipelineAudit(builder.Configuration);
        builder.Services.AddSingleton<IDocumentStore>(_store);
        builder.Services.AddSingleton(_host.Client);
        _app = builder.Build();
        _app.MapAuditEndpoints();
        _app.MapManagementEndpoints();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    private Task<HttpResponseMessage> PostAsync(string json) =>
        _http.PostAsync("/api/audit", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Paths_outside_the_allowed_roots_get_the_same_400_whether_or_not_they_exist()
    {
        var existing = await PostAsync("""{"path": "/etc"}""");
        var missing = await PostAsync("""{"path": "/etc-no-such-folder"}""");
        var escape = await PostAsync($$"""{"path": "{{_dir.Path}}/../etc"}""");

        Assert.Equal(HttpStatusCode.BadRequest, existing.StatusCode);
        var body = await existing.Content.ReadAsStringAsync();
        Assert.Contains("Audit:AllowedRoots", body);
        Assert.Equal(body, await missing.Content.ReadAsStringAsync());
        Assert.Equal(body, await escape.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_schedules_an_audit_and_the_status_url_returns_the_report_and_charts()
    {
        var post = await PostAsync($$"""{"path": "{{_repoPath}}", "topN": 2, "file": "src/training.py"}""");
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var accepted = (await post.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = (string)accepted["id"]!;
        Assert.StartsWith("audit-", id);
        var statusUrl = (string)accepted["statusQueryGetUri"]!;
        Assert.Equal(new Uri(_http.BaseAddress!, $"/api/audit/{id}"), new Uri(statusUrl));
        Assert.Equal(statusUrl, post.Headers.Location!.ToString());

        JsonObject body;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await _http.GetAsync(statusUrl);
            body = (await status.Content.ReadFromJsonAsync<JsonObject>())!;
            if (status.StatusCode == HttpStatusCode.OK) break;
            Assert.Equal(HttpStatusCode.Accepted, status.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "the audit did not finish in 60 s");
            await Task.Delay(200);
        }
        Assert.Equal("Completed", (string?)body["runtimeStatus"]);
        Assert.Equal("AuditRepositoryOrchestrator", (string?)body["name"]);
        Assert.Equal(7, (int)body["output"]!["commitsAnalyzed"]!);
        var report = (await _http.GetFromJsonAsync<JsonObject>($"/api/audit/{id}/report"))!;
        Assert.Equal(7, (int)report["statistics"]!["commitsAnalyzed"]!);
        Assert.Equal(["data", "model", "infrastructure", "monitoring"], report["mlTestScore"]!["sections"]!.AsObject().Select(p => p.Key));
        Assert.Equal(2, report["topFilesByMonth"]![2]!["files"]!.AsArray().Count);
        Assert.Equal("src/training.py", (string?)report["fileHistory"]!["path"]);
        Assert.Null(report["_id"]);

        foreach (var chart in new[] { "tool-categories", "top-files", "ci-runs", "scores" })
        {
            var png = await _http.GetAsync($"/api/audit/{id}/charts/{chart}.png");
            Assert.Equal(HttpStatusCode.OK, png.StatusCode);
            Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
            var bytes = await png.Content.ReadAsByteArrayAsync();
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
            Assert.True(bytes.Length > 10_000);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"/api/audit/{id}/charts/pie.png")).StatusCode);

        var list = (await _http.GetFromJsonAsync<JsonObject>("/api/audit?runtimeStatus=Completed"))!["instances"]!.AsArray();
        Assert.Contains(list, i => (string?)i!["instanceId"] == id && (string?)i["input"]!["path"] == _repoPath);
    }

    [Theory]
    [InlineData("{}", "Give either \\\"path\\\"")]
    [InlineData("""{"path": "relative/repo"}""", "must be absolute")]
    [InlineData("""{"repo": "not a repo name"}""", "must look like owner/name")]
    [InlineData("""{"repo": "acme/widgets", "path": "/tmp"}""", "not both")]
    [InlineData("""{"path": "/tmp", "since": "yesterday"}""", "The body must be JSON like")]
    [InlineData("""{"paht": "/tmp"}""", "The body must be JSON like")]
    [InlineData("not json", "The body must be JSON like")]
    public async Task Bad_input_gets_400_with_a_reason(string json, string reason)
    {
        var response = await PostAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_folder_that_is_not_a_git_repository_gets_400()
    {
        var response = await PostAsync($$"""{"path": "{{_dir.Path}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a git repository", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]);
    }

    [Fact]
    public async Task An_unknown_audit_is_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/audit/does-not-exist")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/audit/does-not-exist/report")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/audit/does-not-exist/charts/scores.png")).StatusCode);
    }

    [Fact]
    public async Task A_repo_that_cannot_be_cloned_fails_with_a_clear_status()
    {
        var post = await PostAsync("""{"repo": "acme/widgets"}""");
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var statusUrl = (string)(await post.Content.ReadFromJsonAsync<JsonObject>())!["statusQueryGetUri"]!;
        JsonObject body;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await _http.GetAsync(statusUrl);
            body = (await status.Content.ReadFromJsonAsync<JsonObject>())!;
            if (status.StatusCode == HttpStatusCode.OK) break;
            Assert.True(DateTime.UtcNow < deadline, "the audit did not end in 60 s");
            await Task.Delay(200);
        }
        Assert.Equal("Failed", (string?)body["runtimeStatus"]);
        Assert.Contains($"Could not clone http://127.0.0.1:{_closedPort}/acme/widgets.git", (string?)body["output"]);
        Assert.Contains("only local clones can be audited", (string?)body["output"]);
    }

    [Fact]
    public async Task The_dashboard_page_is_self_contained()
    {
        var response = await _http.GetAsync("/dashboard/audit");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<form id=\"form\">", html);
        Assert.Contains("fetch(\"/api/audit\"", html);
        Assert.Contains("/charts/", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script src", html);
    }

    [Fact]
    public void Invalid_options_fail_start_up_naming_the_key()
    {
        var services = new ServiceCollection();
        services.AddPipelineAudit(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Audit:GitHubApiBaseUrl"] = "not a url" }).Build());
        using var sp = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<AuditOptions>>().Value);
        Assert.Contains("Audit:GitHubApiBaseUrl", e.Message);
    }
}
