using System.Text;

namespace Pipeline.FunctionsTests;

/// <summary>Every HTTP trigger of the Functions app, invoked as the ASP.NET Core integration does: a real
/// <c>HttpContext</c> whose RequestServices are the app's host, the function class built from them, the returned
/// result executed into the response. Each must answer with a handled status (not a 500) and, for JSON, a parseable body.</summary>
public sealed class HttpTriggerTests(FunctionsServersFixture servers) : IClassFixture<FunctionsServersFixture>
{
    public static TheoryData<string> HttpFunctions() => new(FunctionsHttpInvoker.HttpFunctions().Select(f => f.Name));

    // Sample values for route parameters and bodies, in the shapes clients send.
    private static readonly Dictionary<string, object> RouteValues = new(StringComparer.OrdinalIgnoreCase)
    {
        ["metric"] = "language_popularity_monthly",
        ["id"] = "no-such-id",
        ["file"] = "dashboard.js",
        ["name"] = "issue-label",
        ["version"] = 1,
        ["instanceId"] = "no-such-instance",
        ["eventName"] = "approval",
    };

    private static string? BodyFor(string function) => function switch
    {
        "PredictIssue" => """{"title":"App crashes on start","body":"Stack trace attached"}""",
        "PredictIssues" => """{"items":[{"title":"App crashes on start","body":"Stack trace attached"}]}""",
        "GitHubWebhook" => """{"zen":"Keep it logically awesome."}""",
        _ => "{}",
    };

    [Fact]
    public void Every_HTTP_trigger_is_covered()
    {
        Assert.True(((IEnumerable<object[]>)HttpFunctions()).Count() >= 29, "expected every HTTP trigger of the app");
    }

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public async Task The_trigger_answers_through_the_AspNetCore_integration(string function)
    {
        var trigger = FunctionsHttpInvoker.HttpFunctions().Single(f => f.Name == function);
        var method = trigger.Methods[0];
        var body = method == "POST" ? Encoding.UTF8.GetBytes(BodyFor(function)!) : null;
        var request = new HttpRequestShape(method, trigger.PathWith(p => RouteValues[p].ToString()!), "",
            body is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Content-Type"] = "application/json" }, body);

        var response = await FunctionsHttpInvoker.InvokeAsync(servers.Host.Services, trigger, request, new RecordingDurableTaskClient());

        Assert.True(response.Status is >= 200 and < 500, $"{function}: {response.Status} {response.Text}");
        if (response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var _ = System.Text.Json.JsonDocument.Parse(response.Text);
        }
    }
}
