using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Ingestion.Redelivery;
using Xunit;

namespace Pipeline.IntegrationTests.Redelivery;

/// <summary>The redelivery service against a local HTTP server replaying GitHub's hook deliveries API.</summary>
public sealed class GitHubRedeliveryTests
{
    private const string RepoHook = "repos/octo-org/hello-world/hooks/12345678/deliveries";
    private const string OrgHook = "orgs/octo-org/hooks/777/deliveries";

    private static GitHubRedeliveryService Service(HookDeliveriesReplayServer server, Action<GitHubRedeliveryOptions>? configure = null, string? pollerToken = "ghp_poller")
    {
        var options = new GitHubRedeliveryOptions
        {
            Hooks = ["repo:octo-org/hello-world:12345678", "org:octo-org:777"],
            ApiBaseUrl = server.BaseUrl.ToString(),
            MinRemainingQuota = 10,
            MaxInlineRateLimitWait = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        Assert.True(new GitHubRedeliveryOptionsValidator().Validate(null, options).Succeeded);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Poller:GitHubToken"] = pollerToken }).Build();
        return new GitHubRedeliveryService(Options.Create(options), config, TimeProvider.System, NullLogger<GitHubRedeliveryService>.Instance);
    }

    [Fact]
    public async Task Failed_deliveries_are_redelivered_exactly_once_across_runs_following_pages()
    {
        await using var server = await HookDeliveriesReplayServer.StartAsync();
        var failedRecent = server.Add(RepoHook, "guid-failed-recent", TimeSpan.FromMinutes(5), 503);
        server.Add(RepoHook, "guid-ok", TimeSpan.FromMinutes(10), 200);
        server.Add(RepoHook, "guid-later-success", TimeSpan.FromHours(2), 500);
        server.Add(RepoHook, "guid-later-success", TimeSpan.FromHours(1), 200);
        server.Add(RepoHook, "guid-we-tried", TimeSpan.FromHours(4), 502);
        server.Add(RepoHook, "guid-we-tried", TimeSpan.FromHours(3), 502, redelivery: true);
        var failedDeep = server.Add(RepoHook, "guid-failed-deep", TimeSpan.FromHours(20), 0); // timed out, on a later page
        server.Add(RepoHook, "guid-too-old", TimeSpan.FromHours(30), 500); // outside the 24 h lookback
        var orgFailed = server.Add(OrgHook, "guid-org-failed", TimeSpan.FromMinutes(30), 404, @event: "push");
        using var service = Service(server);

        var first = await service.RunAsync();

        Assert.Null(first.StoppedReason);
        Assert.Equal(3, first.Redelivered);
        Assert.Equal(
            new[] { $"{RepoHook}/{failedRecent["id"]}/attempts", $"{RepoHook}/{failedDeep["id"]}/attempts", $"{OrgHook}/{orgFailed["id"]}/attempts" }.Order(StringComparer.Ordinal),
            server.Attempts.Order(StringComparer.Ordinal));
        // Paging followed past the first two pages, and stopped at the page reaching past the lookback.
        var repoPages = server.Requests.Count(r => r.Method == "GET" && r.Path == RepoHook);
        Assert.True(repoPages >= 4, $"{repoPages} pages");
        Assert.All(server.Requests, r => Assert.Equal("Bearer ghp_poller", r.Authorization));

        // GitHub recorded the redelivered attempts (same guid, redelivery true, 200): the next run redelivers nothing.
        var second = await service.RunAsync();
        Assert.Equal(0, second.Redelivered);
        Assert.Equal(3, server.Attempts.Count);
    }

    [Fact]
    public async Task A_redelivery_that_failed_again_is_not_retried_within_the_lookback()
    {
        await using var server = await HookDeliveriesReplayServer.StartAsync();
        server.RedeliveredStatusCode = 503;
        server.Add(RepoHook, "guid-down", TimeSpan.FromMinutes(5), 503);
        using var service = Service(server, o => o.Hooks = ["repo:octo-org/hello-world:12345678"]);

        Assert.Equal(1, (await service.RunAsync()).Redelivered);
        Assert.Equal(0, (await service.RunAsync()).Redelivered);
        Assert.Single(server.Attempts);
    }

    [Fact]
    public async Task A_run_counts_failed_deliveries_requests_and_hook_errors_on_the_ingestion_meter()
    {
        await using var server = await HookDeliveriesReplayServer.StartAsync();
        server.Add(RepoHook, "guid-a", TimeSpan.FromMinutes(5), 500);
        server.Add(RepoHook, "guid-b", TimeSpan.FromMinutes(6), 502);
        server.Add(RepoHook, "guid-b", TimeSpan.FromMinutes(4), 200); // succeeded later: found failed, not requested
        // A hook the API does not know (wrong id or no permission): listed as a hook error, the run goes on.
        using var service = Service(server, o => o.Hooks = ["repo:octo-org/unknown:1", "repo:octo-org/hello-world:12345678"]);
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Pipeline.Ingestion.Kafka.KafkaMetrics.MeterName && instrument.Name.StartsWith("webhooks.redelivery.", StringComparison.Ordinal))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => counts.AddOrUpdate(instrument.Name, value, (_, n) => n + value));
        listener.Start();

        var result = await service.RunAsync();

        Assert.Equal(1, result.Redelivered);
        Assert.Equal(2, result.Failed);
        Assert.Equal(2, counts.GetValueOrDefault("webhooks.redelivery.failed_found"));
        Assert.Equal(1, counts.GetValueOrDefault("webhooks.redelivery.requested"));
        Assert.Equal(1, counts.GetValueOrDefault("webhooks.redelivery.hook_errors"));
    }

    [Fact]
    public async Task The_rate_limit_floor_stops_the_run_before_redelivering()
    {
        await using var server = await HookDeliveriesReplayServer.StartAsync();
        server.RateRemaining = 12; // the first list answer says 11 left, the second 10, then 9 < floor 10
        for (var i = 0; i < 8; i++) server.Add(RepoHook, $"guid-{i}", TimeSpan.FromMinutes(5 + i), 500);
        using var service = Service(server, o => o.Hooks = ["repo:octo-org/hello-world:12345678"]);

        var result = await service.RunAsync();

        Assert.NotNull(result.StoppedReason);
        Assert.Contains("MinRemainingQuota", result.StoppedReason, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
        Assert.Empty(server.Attempts);
    }

    [Fact]
    public async Task A_429_with_a_short_Retry_After_is_waited_out_and_MaxRedeliveriesPerRun_caps_the_run()
    {
        await using var server = await HookDeliveriesReplayServer.StartAsync();
        server.TooManyRequests = 1;
        for (var i = 0; i < 3; i++) server.Add(RepoHook, $"guid-{i}", TimeSpan.FromMinutes(5 + i), 500);
        using var service = Service(server, o =>
        {
            o.Hooks = ["repo:octo-org/hello-world:12345678"];
            o.MaxRedeliveriesPerRun = 2;
        });

        var result = await service.RunAsync();

        Assert.Equal(2, result.Redelivered);
        Assert.Equal(2, server.Attempts.Count);
        Assert.Contains("MaxRedeliveriesPerRun", result.StoppedReason, StringComparison.Ordinal);
        Assert.Equal(1, (await service.RunAsync()).Redelivered); // the third follows next run
    }

    [Fact]
    public async Task The_app_hook_is_listed_with_an_RS256_app_jwt_verifiable_with_the_public_key()
    {
        await using var server = await HookDeliveriesReplayServer.StartAsync();
        var failed = server.Add("app/hook/deliveries", "guid-app", TimeSpan.FromMinutes(5), 500, @event: "installation");
        using var rsa = RSA.Create(2048);
        using var service = Service(server, o =>
        {
            o.Hooks = ["app"];
            o.AppId = "424242";
            o.PrivateKey = rsa.ExportPkcs8PrivateKeyPem();
        }, pollerToken: null);

        var result = await service.RunAsync();

        Assert.Equal(1, result.Redelivered);
        Assert.Equal([$"app/hook/deliveries/{failed["id"]}/attempts"], server.Attempts);
        foreach (var request in server.Requests)
        {
            Assert.StartsWith("Bearer ", request.Authorization, StringComparison.Ordinal);
            var parts = request.Authorization!["Bearer ".Length..].Split('.');
            Assert.Equal(3, parts.Length);
            using var publicKey = RSA.Create();
            publicKey.ImportFromPem(rsa.ExportSubjectPublicKeyInfoPem());
            Assert.True(publicKey.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
            Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
            using var payload = JsonDocument.Parse(FromBase64Url(parts[1]));
            Assert.Equal("424242", payload.RootElement.GetProperty("iss").GetString());
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Assert.InRange(payload.RootElement.GetProperty("iat").GetInt64(), now - 120, now);
            Assert.InRange(payload.RootElement.GetProperty("exp").GetInt64(), now, now + 600);
        }
    }

    [Fact]
    public void Hooks_are_validated_with_the_setting_named()
    {
        var result = new GitHubRedeliveryOptionsValidator().Validate(null, new GitHubRedeliveryOptions { Hooks = ["repo:nope:1", "app"] });
        Assert.False(result.Succeeded);
        Assert.Contains("GitHub:Redelivery:Hooks: 'repo:nope:1'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("GitHub:Redelivery:AppId", result.FailureMessage, StringComparison.Ordinal);
    }

    private static byte[] FromBase64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b.PadRight(b.Length + ((4 - (b.Length % 4)) % 4), '='));
    }
}
