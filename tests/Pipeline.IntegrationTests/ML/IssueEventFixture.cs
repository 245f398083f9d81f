using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain;
using Pipeline.Domain.Normalization;
using Pipeline.ML.Data;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.ML;

/// <summary>
/// Issue histories as the ingestion paths deliver them: webhook <c>issues</c> events built on the real
/// <c>@octokit/webhooks-examples</c> "opened" payload (with <c>repository</c>, so the repositories projection learns the
/// language), and GH Archive records (Events API shape: <c>{id, type: "IssuesEvent", actor, repo: {name}, payload,
/// created_at}</c>, no <c>payload.repository</c>), normalised by <see cref="GitHubEventNormalizer"/>. Each issue is opened
/// (a quarter with its first label set at creation), its other labels come two hours later, it closes when the record
/// says so, and <see cref="PlantedLabel"/> is added at closing time to every fifth closed issue.
/// </summary>
internal static class IssueEventFixture
{
    public const string PlantedLabel = "resolution-planted-late";

    private static readonly Lazy<JsonObject> Template = new(() =>
    {
        var opened = GitHubExamples.Payloads("issues").First(p => p.TryGetProperty("action", out var a) && a.GetString() == "opened");
        return JsonNode.Parse(opened.GetRawText())!.AsObject();
    });

    public static bool LabelledAtCreation(IssueRecord i) => i.Number % 4 == 0;

    public static bool ByWebhook(IssueRecord i) => i.Number % 2 == 0;

    public static bool Planted(IssueRecord i) => i.IsClosed && i.Number % 5 == 0;

    public static List<GitHubEvent> Events(IReadOnlyList<IssueRecord> issues, Func<string, string> languageOf)
    {
        var events = new List<GitHubEvent>();
        foreach (var i in issues)
        {
            var atCreation = LabelledAtCreation(i) ? i.Labels.Take(1).ToList() : [];
            var labels = new List<string>(atCreation);
            events.Add(Event(i, "opened", i.CreatedAt, labels, null, closed: false, languageOf));
            foreach (var l in i.Labels.Except(atCreation))
            {
                labels.Add(l);
                var at = i.CreatedAt.AddHours(2);
                events.Add(Event(i, "labeled", at, labels, l, closed: i.ClosedAt <= at, languageOf)); // fast closers are closed by then
            }
            if (i.ClosedAt is { } c)
            {
                events.Add(Event(i, "closed", c, labels, null, closed: true, languageOf));
                if (Planted(i))
                {
                    labels.Add(PlantedLabel);
                    events.Add(Event(i, "labeled", c.AddSeconds(5), labels, PlantedLabel, closed: true, languageOf));
                }
            }
        }
        return events;
    }

    private static GitHubEvent Event(IssueRecord i, string action, DateTime at, IReadOnlyList<string> labels, string? label, bool closed, Func<string, string> languageOf)
    {
        var t = IssueDocumentSchema.FormatTime(at);
        var issue = Template.Value["issue"]!.DeepClone().AsObject();
        issue["number"] = i.Number;
        issue["title"] = i.Title;
        issue["body"] = i.Body;
        issue["state"] = closed ? "closed" : "open";
        issue["created_at"] = IssueDocumentSchema.FormatTime(i.CreatedAt);
        issue["updated_at"] = t;
        issue["closed_at"] = closed ? IssueDocumentSchema.FormatTime(i.ClosedAt!.Value) : null;
        issue["author_association"] = i.AuthorAssociation;
        issue["user"]!["login"] = i.Author;
        issue["labels"] = new JsonArray(labels.Select(l => (JsonNode?)new JsonObject { ["name"] = l }).ToArray());
        issue.Remove("pull_request");
        var received = new DateTimeOffset(at, TimeSpan.Zero).AddSeconds(1);
        if (ByWebhook(i))
        {
            var payload = Template.Value.DeepClone().AsObject();
            payload["action"] = action;
            payload["issue"] = issue;
            payload["repository"]!["full_name"] = i.Repo;
            payload["repository"]!["name"] = i.Repo.Split('/')[1];
            payload["repository"]!["language"] = languageOf(i.Repo);
            payload["sender"]!["login"] = i.Author;
            if (label is not null) payload["label"] = new JsonObject { ["name"] = label, ["color"] = "ededed" };
            var element = JsonDocument.Parse(payload.ToJsonString()).RootElement.Clone();
            return GitHubEventNormalizer.FromWebhook("issues", $"{i.Id}-{action}-{label}-{t}", element, received);
        }
        var archivePayload = new JsonObject { ["action"] = action, ["issue"] = issue };
        if (label is not null) archivePayload["label"] = new JsonObject { ["name"] = label };
        var record = new JsonObject
        {
            ["id"] = $"{i.Number}{at.Ticks}{(label is null ? 0 : label.Length)}{action.Length}",
            ["type"] = "IssuesEvent",
            ["actor"] = new JsonObject { ["login"] = i.Author },
            ["repo"] = new JsonObject { ["name"] = i.Repo },
            ["payload"] = archivePayload,
            ["public"] = true,
            ["created_at"] = t,
        };
        return GitHubEventNormalizer.FromArchiveEvent(JsonDocument.Parse(record.ToJsonString()).RootElement.Clone(), received.AddDays(30));
    }

    /// <summary>The opening event of an issue, exactly as delivered (webhook or archive).</summary>
    public static GitHubEvent Opening(IReadOnlyList<GitHubEvent> events, IssueRecord i) =>
        events.First(e => e.Action == "opened" && e.Repo == i.Repo && e.Payload.GetProperty("issue").GetProperty("number").GetInt32() == i.Number);
}
