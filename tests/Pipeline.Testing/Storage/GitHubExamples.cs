using System.Text.Json;
using Pipeline.Domain;
using Pipeline.Embedded;

namespace Pipeline.Testing.Storage;

/// <summary>Real webhook payloads from npm <c>@octokit/webhooks-examples</c> (api.github.com/index.json), as events.</summary>
public static class GitHubExamples
{
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<JsonElement>>> Examples = new(Load);

    private static IReadOnlyDictionary<string, IReadOnlyList<JsonElement>> Load()
    {
        var path = Path.Combine(RepositoryPaths.FindRoot(), "node_modules", "@octokit", "webhooks-examples", "api.github.com", "index.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: run `npm ci` at the repository root");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var result = new Dictionary<string, IReadOnlyList<JsonElement>>(StringComparer.Ordinal);
        foreach (var webhook in doc.RootElement.EnumerateArray())
        {
            var name = webhook.GetProperty("name").GetString()!;
            result[name] = webhook.GetProperty("examples").EnumerateArray().Select(e => e.Clone()).ToList();
        }
        return result;
    }

    public static IReadOnlyCollection<string> EventNames => Examples.Value.Keys.ToList();

    public static IReadOnlyList<JsonElement> Payloads(string eventName) => Examples.Value[eventName];

    /// <summary>Every example of the named event types as envelopes, the way the webhook path normalises them.</summary>
    public static IReadOnlyList<GitHubEvent> Events(params string[] eventNames)
    {
        var baseTime = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var list = new List<GitHubEvent>();
        foreach (var name in eventNames.Length == 0 ? EventNames : eventNames)
        {
            var i = 0;
            foreach (var payload in Payloads(name))
            {
                var delivery = $"{name}-{i}";
                list.Add(new GitHubEvent(
                    Id: "delivery:" + delivery,
                    Type: name,
                    Action: payload.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null,
                    Repo: payload.TryGetProperty("repository", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("full_name", out var fn)
                        ? fn.GetString()! : "",
                    Actor: payload.TryGetProperty("sender", out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty("login", out var l) ? l.GetString() : null,
                    CreatedAt: baseTime.AddMinutes(list.Count),
                    Source: EventSources.Webhook,
                    DeliveryId: delivery,
                    ReceivedAt: baseTime.AddMinutes(list.Count).AddSeconds(1),
                    Payload: payload));
                i++;
            }
        }
        return list;
    }
}
