using System.Text;
using System.Text.Json;
using Pipeline.Embedded;

namespace Pipeline.Testing.GitHub;

/// <summary>One real webhook payload from npm <c>@octokit/webhooks-examples</c> (api.github.com/index.json).</summary>
public sealed record WebhookExample(string Event, int Index, string? Action, byte[] Body)
{
    public JsonElement Payload => JsonDocument.Parse(Body).RootElement;

    public override string ToString() => $"{Event}[{Index}]{(Action is null ? "" : "." + Action)}";
}

/// <summary>Loads GitHub's published webhook examples once per process.</summary>
public static class WebhookExamples
{
    private static readonly Lazy<IReadOnlyList<WebhookExample>> All = new(Load);

    public static IReadOnlyList<WebhookExample> Every => All.Value;

    public static IEnumerable<WebhookExample> Of(string eventType) => Every.Where(e => e.Event == eventType);

    public static WebhookExample Get(string eventType, int index) => Every.Single(e => e.Event == eventType && e.Index == index);

    public static string IndexPath()
    {
        var root = RepositoryPaths.FindRoot();
        return Path.Combine(root, "node_modules", "@octokit", "webhooks-examples", "api.github.com", "index.json");
    }

    private static IReadOnlyList<WebhookExample> Load()
    {
        var path = IndexPath();
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: run `npm ci` at the repository root.");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var list = new List<WebhookExample>();
        foreach (var spec in doc.RootElement.EnumerateArray())
        {
            var name = spec.GetProperty("name").GetString()!;
            var i = 0;
            foreach (var example in spec.GetProperty("examples").EnumerateArray())
            {
                var action = example.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                // The raw text as published: the exact bytes GitHub would sign.
                list.Add(new WebhookExample(name, i++, action, Encoding.UTF8.GetBytes(example.GetRawText())));
            }
        }
        return list;
    }
}
