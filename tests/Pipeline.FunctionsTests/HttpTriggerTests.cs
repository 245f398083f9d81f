using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.FunctionsTests;

/// <summary>Every HTTP trigger of the Functions app, invoked as the ASP.NET Core integration does: a real
/// <see cref="HttpContext"/> whose RequestServices are the app's host, the function class built from them, the returned
/// result executed into the response. Each must answer with a handled status (not a 500) and, for JSON, a parseable body.</summary>
public sealed class HttpTriggerTests(FunctionsServersFixture servers) : IClassFixture<FunctionsServersFixture>
{
    public static TheoryData<string> HttpFunctions()
    {
        var data = new TheoryData<string>();
        foreach (var method in FunctionsApp.FunctionMethods().Where(m => HttpTrigger(m) is not null))
        {
            data.Add(method.GetCustomAttribute<FunctionAttribute>()!.Name);
        }
        return data;
    }

    private static HttpTriggerAttribute? HttpTrigger(MethodInfo method) =>
        method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);

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
        var method = FunctionsApp.FunctionMethods().Single(m => m.GetCustomAttribute<FunctionAttribute>()!.Name == function);
        var trigger = HttpTrigger(method)!;
        await using var scope = servers.Host.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = trigger.Methods![0].ToUpperInvariant();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        context.Request.Path = "/api/" + System.Text.RegularExpressions.Regex.Replace(trigger.Route ?? function,
            @"\{(\w+)(:[^}]*)?\}", m => RouteValues[m.Groups[1].Value].ToString()!);
        if (context.Request.Method == "POST")
        {
            var body = Encoding.UTF8.GetBytes(BodyFor(function)!);
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
            context.Request.ContentType = "application/json";
        }
        var response = new MemoryStream();
        context.Response.Body = response;

        var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, method.DeclaringType!);
        var arguments = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>() is not null ? context.Request
            : p.ParameterType == typeof(DurableTaskClient) ? new RecordingDurableTaskClient()
            : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
            : RouteValues.TryGetValue(p.Name!, out var v) ? Convert.ChangeType(v, p.ParameterType, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{function}: no value for parameter {p.Name}")).ToArray();
        var returned = method.Invoke(instance, arguments);
        object? result = returned;
        if (returned is Task task)
        {
            await task;
            result = FunctionsApp.ResultType(method) == typeof(void) ? null : task.GetType().GetProperty("Result")!.GetValue(task);
        }
        if (result is IResult httpResult)
        {
            await httpResult.ExecuteAsync(context);
        }

        var text = Encoding.UTF8.GetString(response.ToArray());
        Assert.True(context.Response.StatusCode is >= 200 and < 500, $"{function}: {context.Response.StatusCode} {text}");
        if (context.Response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var _ = System.Text.Json.JsonDocument.Parse(text);
        }
    }
}
