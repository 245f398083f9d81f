using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain;
using Pipeline.ML.Data;

namespace Pipeline.IntegrationTests.ML;

/// <summary>Issues in the shape the store's projections write them, and opened-issue webhook events.</summary>
internal static class IssueDocuments
{
    public static JsonObject ToDocument(IssueRecord i, bool withOutcome = true) => new()
    {
        ["_id"] = i.Id,
        ["repo"] = i.Repo,
        ["number"] = i.Number,
        ["title"] = i.Title,
        ["body"] = i.Body,
        ["labels"] = withOutcome ? new JsonArray(i.Labels.Select(l => (JsonNode)JsonValue.Create(l)!).ToArray()) : new JsonArray(),
        ["state"] = withOutcome ? i.State : "open",
        ["author"] = i.Author,
        ["author_association"] = i.AuthorAssociation,
        ["created_at"] = IssueDocumentSchema.FormatTime(i.CreatedAt),
        ["closed_at"] = withOutcome && i.ClosedAt is { } c ? IssueDocumentSchema.FormatTime(c) : null,
        ["language"] = i.Language,
    };

    public static async Task StoreAsync(Pipeline.Storage.IDocumentStore store, IEnumerable<IssueRecord> issues, bool withOutcome = true) =>
        await store.UpsertManyAsync(Collections.Issues, issues.Select(i => new KeyValuePair<string, JsonObject>(i.Id, ToDocument(i, withOutcome))).ToList());

    public static GitHubEvent Opened(IssueRecord i)
    {
        var payload = new JsonObject
        {
            ["action"] = "opened",
            ["issue"] = new JsonObject
            {
                ["number"] = i.Number,
                ["title"] = i.Title,
                ["body"] = i.Body,
                ["state"] = "open",
                ["labels"] = new JsonArray(),
                ["author_association"] = i.AuthorAssociation,
                ["user"] = new JsonObject { ["login"] = i.Author },
                ["created_at"] = IssueDocumentSchema.FormatTime(i.CreatedAt),
            },
            ["repository"] = new JsonObject { ["full_name"] = i.Repo },
        };
        var element = JsonDocument.Parse(payload.ToJsonString()).RootElement.Clone();
        return new GitHubEvent($"delivery:{Guid.NewGuid()}", "issues", "opened", i.Repo, i.Author, DateTimeOffset.UtcNow, EventSources.Webhook,
            Guid.NewGuid().ToString(), DateTimeOffset.UtcNow, element);
    }
}
