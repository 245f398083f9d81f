using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Api.Events;
using Pipeline.Storage.Events;
using Pipeline.Storage.Postgres;

namespace Pipeline.UnitTests.Storage;

public sealed class EventsEndpointsTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("-5")]
    [InlineData("ten")]
    [InlineData("2.5")]
    public async Task A_bad_limit_is_a_400_with_the_reason(string limit)
    {
        // The store is never reached for a bad request (this one points nowhere).
        await using var store = new PostgresStore("Host=127.0.0.1;Port=1;Username=postgres;Timeout=1");
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?limit=" + limit);
        var result = await EventsEndpoints.ListEvents(context.Request, new EventQueryService(store));
        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal(400, problem.StatusCode);
        Assert.Contains("between 1 and 1000", problem.ProblemDetails.Detail);
    }

    [Fact]
    public async Task An_unreachable_store_is_a_503()
    {
        await using var store = new PostgresStore($"Host=127.0.0.1;Port={Pipeline.Embedded.PortFinder.FreeTcpPort()};Username=postgres;Timeout=1");
        var context = new DefaultHttpContext();
        var result = await EventsEndpoints.ListEvents(context.Request, new EventQueryService(store));
        Assert.Equal(503, Assert.IsType<ProblemHttpResult>(result).StatusCode);
    }
}
