using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api.Events;
using Pipeline.Domain;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Storage;

/// <summary><c>GET /api/events</c> and <c>GET /api/events/{id}</c> handlers over a real PostgreSQL store.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EventsEndpointTests(PostgresFixture postgres)
{
    private static async Task<(int Status, JsonElement Body)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider(),
        };
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        using var doc = await JsonDocument.ParseAsync(context.Response.Body);
        return (context.Response.StatusCode, doc.RootElement.Clone());
    }

    private static HttpRequest Request(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }

    [Fact]
    public async Task Lists_stored_events_newest_first_and_fetches_one_with_its_payload()
    {
        await using var store = await postgres.CreateStoreAsync("api");
        await StoreSchema.EnsureAsync(store);
        var events = GitHubExamples.Events("issues", "star");
        await new EventSink(store).WriteAsync(events);
        var service = new EventQueryService(store);

        var (status, body) = await ExecuteAsync(await EventsEndpoints.ListEvents(Request("?type=star&limit=2"), service));
        Assert.Equal(200, status);
        Assert.Equal(2, body.GetProperty("count").GetInt32());
        var first = body.GetProperty("events")[0];
        var newestStar = events.Where(e => e.Type == "star").OrderByDescending(e => e.ReceivedAt).First();
        Assert.Equal(newestStar.Id, first.GetProperty("id").GetString());
        Assert.Equal(newestStar.DeliveryId, first.GetProperty("deliveryId").GetString());
        Assert.Equal("star", first.GetProperty("type").GetString());
        Assert.Equal(newestStar.Action, first.GetProperty("action").GetString());
        Assert.Equal(newestStar.Repo, first.GetProperty("repo").GetString());
        Assert.Equal(StoreTime.Format(newestStar.CreatedAt), first.GetProperty("createdAt").GetString());
        Assert.Equal(StoreTime.Format(newestStar.ReceivedAt), first.GetProperty("receivedAt").GetString());
        Assert.False(first.TryGetProperty("payload", out _));

        (status, body) = await ExecuteAsync(await EventsEndpoints.ListEvents(Request(""), service));
        Assert.Equal(200, status);
        Assert.Equal(Math.Min(50, events.Count), body.GetProperty("count").GetInt32());

        (status, body) = await ExecuteAsync(await EventsEndpoints.GetEvent(Request(""), newestStar.Id, service));
        Assert.Equal(200, status);
        Assert.Equal(newestStar.Payload.GetProperty("action").GetString(), body.GetProperty("payload").GetProperty("action").GetString());

        (status, _) = await ExecuteAsync(await EventsEndpoints.GetEvent(Request(""), "no-such-event", service));
        Assert.Equal(404, status);

        (status, body) = await ExecuteAsync(await EventsEndpoints.ListEvents(Request("?limit=5000"), service));
        Assert.Equal(400, status);
        Assert.Contains("limit", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Store_health_reports_ok_and_schema_state()
    {
        await using var store = await postgres.CreateStoreAsync("health");
        var schema = new StoreSchema(store, []);
        var pending = await new StoreHealth(store, schema).CheckAsync();
        Assert.False(pending.Healthy);
        Assert.Equal("schema pending", pending.Status);
        await schema.EnsureAsync();
        var ok = await new StoreHealth(store, schema).CheckAsync();
        Assert.True(ok.Healthy);
        Assert.Equal("postgres", ok.Provider);
        Assert.Equal("ok", ok.Status);

        await using var down = new Pipeline.Storage.Postgres.PostgresStore($"Host=127.0.0.1;Port={Pipeline.Embedded.PortFinder.FreeTcpPort()};Username=postgres;Timeout=1");
        var report = await new StoreHealth(down).CheckAsync();
        Assert.False(report.Healthy);
        Assert.StartsWith("unavailable", report.Status);
    }
}
