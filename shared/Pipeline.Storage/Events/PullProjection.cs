using System.Text.Json.Nodes;
using Pipeline.Domain;
using static Pipeline.Storage.Events.PayloadReader;

namespace Pipeline.Storage.Events;

/// <summary>Pull requests, keyed <c>{repo key}#{number}</c>: current state (merged flag included) plus the history of actions.</summary>
internal sealed class PullProjection : IEventProjection
{
    public string Collection => Collections.Pulls;

    public string? KeyOf(GitHubEvent e) =>
        e.Type == "pull_request" && Object(e.Payload, "pull_request") is { } pr
            ? (Long(pr, "number") ?? Long(e.Payload, "number")) is { } n ? $"{e.RepoKey}#{n}" : null
            : null;

    public JsonObject Apply(string key, JsonObject? current, IReadOnlyList<GitHubEvent> events)
    {
        var doc = current ?? new JsonObject();
        var history = new List<JsonObject>();
        foreach (var e in events)
        {
            var pr = Object(e.Payload, "pull_request")!.Value;
            var updatedAt = Time(pr, "updated_at");
            var snapshotKey = ProjectionSupport.SnapshotKey(updatedAt, e);
            var mergedAt = Time(pr, "merged_at");
            var merged = Bool(pr, "merged") ?? (mergedAt is not null);
            if (ProjectionSupport.IsNewer(doc, snapshotKey))
            {
                ProjectionSupport.SetAll(doc, new JsonObject
                {
                    ["repo"] = e.Repo,
                    ["number"] = Long(pr, "number") ?? Long(e.Payload, "number"),
                    ["title"] = String(pr, "title"),
                    ["body"] = String(pr, "body"),
                    ["labels"] = Names(pr, "labels", "name"),
                    ["state"] = String(pr, "state"),
                    ["draft"] = Node(Bool(pr, "draft")),
                    ["merged"] = merged,
                    ["merged_at"] = mergedAt,
                    ["merged_by"] = String(pr, "merged_by", "login"),
                    ["author"] = String(pr, "user", "login"),
                    ["author_association"] = String(pr, "author_association"),
                    ["created_at"] = Time(pr, "created_at"),
                    ["updated_at"] = updatedAt,
                    ["closed_at"] = Time(pr, "closed_at"),
                    ["comments"] = Node(Long(pr, "comments")),
                    ["review_comments"] = Node(Long(pr, "review_comments")),
                    ["commits"] = Node(Long(pr, "commits")),
                    ["additions"] = Node(Long(pr, "additions")),
                    ["deletions"] = Node(Long(pr, "deletions")),
                    ["changed_files"] = Node(Long(pr, "changed_files")),
                    ["base"] = String(pr, "base", "ref"),
                    ["head"] = String(pr, "head", "ref"),
                    ["html_url"] = String(pr, "html_url"),
                    [ProjectionSupport.SnapshotKeyField] = snapshotKey,
                });
            }
            if (e.Action is not null)
            {
                history.Add(new JsonObject
                {
                    ["event_id"] = e.Id,
                    ["activity_key"] = e.ActivityKey,
                    ["action"] = e.Action,
                    ["at"] = StoreTime.Format(e.CreatedAt),
                    ["actor"] = e.Actor ?? String(e.Payload, "sender", "login"),
                    ["state"] = String(pr, "state"),
                    ["merged"] = merged,
                });
            }
        }
        ProjectionSupport.MergeHistory(doc, history);
        return doc;
    }
}
