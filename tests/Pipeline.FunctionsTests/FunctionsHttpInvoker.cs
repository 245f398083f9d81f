using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.FunctionsTests;

/// <summary>One HTTP request as a client sends it: method, path (with /api), query string, headers and body.</summary>
internal sealed record HttpRequestShape(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[]? Body)
{
    public override string ToString() => $"{Method} {Path}{Query}";
}

/// <summary>What came back: status, content type, headers and the body's bytes.</summary>
internal sealed record HttpResponseShape(int Status, string? ContentType, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>One HTTP trigger of the Functions app: its [Function] method and its [HttpTrigger].</summary>
internal sealed record HttpFunction(string Name, MethodInfo Method, HttpTriggerAttribute Trigger)
{
    /// <summary>The route below the host's route prefix (host.json's "api"), as the runtime reads it.</summary>
    public string Route => Trigger.Route ?? Name;

    public IReadOnlyList<string> Methods => Trigger.Methods!.Select(m => m.ToUpperInvariant()).ToList();

    /// <summary>Route parameter names, in order, without their constraints.</summary>
    public IReadOnlyList<string> RouteParameters => Regex.Matches(Route, @"\{(\w+)(:[^}]*)?\}").Select(m => m.Groups[1].Value).ToList();

    /// <summary>"/api/" + the route with each parameter replaced by its value (escaped).</summary>
    public string PathWith(Func<string, string> value) =>
        "/api/" + Regex.Replace(Route, @"\{(\w+)(:[^}]*)?\}", m => Uri.EscapeDataString(value(m.Groups[1].Value)));

    public override string ToString() => $"{Name} ({string.Join(",", Methods)} /api/{Route})";
}

/// <summary>
/// Invokes an HTTP trigger of the Functions app the way its ASP.NET Core integration does: a real <see cref="HttpContext"/>
/// whose RequestServices are a scope of the app's host, route values bound to the method's parameters by name (as the
/// runtime binds them from the route template), the function class built with ActivatorUtilities and the returned
/// <see cref="IResult"/> executed into the response.
/// </summary>
internal static class FunctionsHttpInvoker
{
    public static IReadOnlyList<HttpFunction> HttpFunctions() =>
        FunctionsApp.FunctionMethods()
            .Select(m => (Method: m, Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(x => x.Trigger is not null)
            .Select(x => new HttpFunction(x.Method.GetCustomAttribute<FunctionAttribute>()!.Name, x.Method, x.Trigger!))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

    public static async Task<HttpResponseShape> InvokeAsync(IServiceProvider services, HttpFunction function, HttpRequestShape request,
        DurableTaskClient durable, string host = "localhost")
    {
        await using var scope = services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = request.Method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString(host);
        context.Request.Path = request.Path;
        context.Request.QueryString = new QueryString(request.Query.Length == 0 ? null : request.Query);
        foreach (var (name, value) in request.Headers)
        {
            context.Request.Headers[name] = value;
        }
        if (request.Body is { } body)
        {
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
        }
        var response = new MemoryStream();
        context.Response.Body = response;

        var routeValues = RouteValues(function, request.Path);
        var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Method.DeclaringType!);
        var arguments = function.Method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>() is not null ? context.Request
            : p.ParameterType == typeof(DurableTaskClient) ? durable
            : p.ParameterType == typeof(CancellationToken) ? context.RequestAborted
            : routeValues.TryGetValue(p.Name!, out var v) ? Convert.ChangeType(v, p.ParameterType, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{function.Name}: no route value for parameter {p.Name}")).ToArray();
        var returned = function.Method.Invoke(instance, arguments);
        object? result = returned;
        if (returned is Task task)
        {
            await task;
            result = FunctionsApp.ResultType(function.Method) == typeof(void) ? null : task.GetType().GetProperty("Result")!.GetValue(task);
        }
        if (result is IResult httpResult)
        {
            await httpResult.ExecuteAsync(context);
        }
        var headers = context.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new HttpResponseShape(context.Response.StatusCode, context.Response.ContentType, headers, response.ToArray());
    }

    /// <summary>The route values of <paramref name="path"/> under the function's template (the runtime's route binding).</summary>
    private static Dictionary<string, string> RouteValues(HttpFunction function, string path)
    {
        var pattern = "^/api/" + Regex.Replace(Regex.Escape(function.Route).Replace(@"\{", "{", StringComparison.Ordinal), @"\{(\w+)(:[^}]*)?}", "(?<$1>[^/]+)") + "$";
        var match = Regex.Match(path, pattern, RegexOptions.IgnoreCase);
        if (!match.Success)
        {
            throw new InvalidOperationException($"{path} does not match {function}");
        }
        return function.RouteParameters.ToDictionary(n => n, n => Uri.UnescapeDataString(match.Groups[n].Value), StringComparer.OrdinalIgnoreCase);
    }
}
