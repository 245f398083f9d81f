using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Testing.Deployment;
using Xunit.Abstractions;

namespace Pipeline.IntegrationTests.Hosting;

/// <summary>
/// The curl examples of docs/api.md that state their answer (<c># 400 {…}</c> on the next line or after the command) are run
/// against the real local host: the status code, and the problem's <c>title</c> or <c>error</c> where shown, must match.
/// Examples that need a secret (<c>$VAR</c>), an id from another example (<c>…</c>) or a function key (401s; this host runs
/// without <c>Host__FunctionKey</c>) are left out.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed partial class ApiDocExamplesTests(LocalHostFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Examples_with_a_stated_answer_get_that_answer()
    {
        var examples = Parse(RepoFiles.Read(ApiDocRoutes.Path)).ToList();
        Assert.True(examples.Count >= 10, $"only {examples.Count} runnable examples found in docs/api.md");
        var problems = new List<string>();
        foreach (var example in examples)
        {
            using var request = new HttpRequestMessage(new HttpMethod(example.Method), example.Path);
            if (example.Body is not null)
            {
                request.Content = new StringContent(example.Body, Encoding.UTF8);
                request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(example.ContentType ?? "application/x-www-form-urlencoded");
            }
            using var response = await fixture.Host.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != example.Status)
            {
                problems.Add($"{example.Line}: expected {example.Status}, got {(int)response.StatusCode} {body}");
            }
            else if (example.Title is not null && !body.Contains(example.Title, StringComparison.Ordinal))
            {
                problems.Add($"{example.Line}: expected {example.Title} in {body}");
            }
        }
        output.WriteLine($"{examples.Count} examples run");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private sealed record Example(string Line, string Method, string Path, string? Body, string? ContentType, int Status, string? Title);

    private static IEnumerable<Example> Parse(string markdown)
    {
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd();
            if (!line.StartsWith("curl ", StringComparison.Ordinal) || !line.Contains("http://localhost:7071", StringComparison.Ordinal)
                || line.EndsWith('\\') || line.Contains('|') || line.Contains('$') || line.Contains('…') || line.Contains('<')
                || line.Contains("If-None-Match", StringComparison.Ordinal))
            {
                continue;
            }
            var inline = InlineAnswer().Match(line);
            var next = i + 1 < lines.Length ? NextLineAnswer().Match(lines[i + 1].TrimEnd()) : Match.Empty;
            var answer = inline.Success ? inline : next.Success ? next : null;
            if (answer is null)
            {
                continue;
            }
            var status = int.Parse(answer.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (status == 401)
            {
                continue;
            }
            var command = inline.Success ? line[..inline.Index] : line;
            var url = Url().Match(command).Groups["path"].Value;
            var body = Data().Match(command) is { Success: true } d ? d.Groups["body"].Value : null;
            var explicitMethod = Method().Match(command) is { Success: true } m ? m.Groups["method"].Value : null;
            var contentType = Header().Matches(command).Select(h => h.Groups["value"].Value)
                .FirstOrDefault(h => h.StartsWith("content-type:", StringComparison.OrdinalIgnoreCase))?.Split(':', 2)[1].Trim();
            if (explicitMethod == "POST" && body is null && contentType is not null)
            {
                body = ""; // curl -X POST -H 'content-type: …' sends an empty body with that type
            }
            var text = answer.Groups["rest"].Value;
            var title = TitleOrError().Match(text) is { Success: true } t ? t.Value : null;
            yield return new Example($"docs/api.md:{i + 1}", explicitMethod ?? (body is null ? "GET" : "POST"), url, body, contentType, status, title);
        }
    }

    [GeneratedRegex(@"#\s+(?<status>[1-5]\d\d)\b(?<rest>.*)$")]
    private static partial Regex InlineAnswer();

    [GeneratedRegex(@"^#\s+(?<status>[1-5]\d\d)\b(?<rest>.*)$")]
    private static partial Regex NextLineAnswer();

    [GeneratedRegex(@"'?http://localhost:7071(?<path>/[^\s']*)'?")]
    private static partial Regex Url();

    [GeneratedRegex(@"-d\s+'(?<body>[^']*)'")]
    private static partial Regex Data();

    [GeneratedRegex(@"-X\s+(?<method>[A-Z]+)")]
    private static partial Regex Method();

    [GeneratedRegex(@"-H\s+'(?<value>[^']*)'")]
    private static partial Regex Header();

    [GeneratedRegex(@"""(title|error)"":""[^""]*""")]
    private static partial Regex TitleOrError();
}
