using System.Text.Json.Nodes;
using Pipeline.Domain;
using static Pipeline.Storage.Events.PayloadReader;

namespace Pipeline.Storage.Events;

/// <summary>Issues, keyed <c>{repo key}#{number}</c> (repository lower-cased; <c>repo</c> keeps GitHub's casing): current state from the newest snapshot plus the history of actions.</summary>
internal sealed class IssueProjection : IEventProjection
{
    public string Collection => Collections.Issues;

    public string? KeyOf(GitHubEvent e)
    {
        if (e.Type is not ("issues" or "issue_comment")) return null;
        if (Object(e.Payload, "issue") is not { } issue) return null;
        // issue_comment also fires for pull requests (their issue object carries pull_request); those belong to pulls.
        if (Get(issue, "pull_request") is not null) return null;
        return Long(issue, "number") is { } number ? $"{e.RepoKey}#{number}" : null;
    }

    public JsonObject Apply(string key, JsonObject? current, IReadOnlyList<GitHubEvent> events)
    {
        var doc = current ?? new JsonObject();
        var history = new List<JsonObject>();
        foreach (var e in events)
        {
            var issue = Object(e.Payload, "issue")!.Value;
            var updatedAt = Time(issue, "updated_at");
            var snapshotKey = ProjectionSupport.SnapshotKey(updatedAt, e);
            if (ProjectionSupport.IsNewer(doc, snapshotKey))
            {
                ProjectionSupport.SetAll(doc, new JsonObject
                {
                    ["repo"] = e.Repo,
                    ["number"] = Long(issue, "number"),
                    ["title"] = String(issue, "title"),
                    ["body"] = String(issue, "body"),
                    ["labels"] = Names(issue, "labels", "name"),
                    ["assignees"] = Names(issue, "assignees", "login"),
                    ["milestone"] = String(issue, "milestone", "title"),
                    ["state"] = String(issue, "state"),
                    ["state_reason"] = String(issue, "state_reason"),
                    ["locked"] = Node(Bool(issue, "locked")),
                    ["author"] = String(issue, "user", "login"),
                    ["author_association"] = String(issue, "author_association"),
                    ["created_at"] = Time(issue, "created_at"),
                    ["updated_at"] = updatedAt,
                    ["closed_at"] = Time(issue, "closed_at"),
                    ["comments"] = Node(Long(issue, "comments")),
                    ["deleted"] = e.Type == "issues" && e.Action == "deleted",
                    ["html_url"] = String(issue, "html_url"),
                    [ProjectionSupport.SnapshotKeyField] = snapshotKey,
                });
            }
            if (e.Type == "issues" && e.Action is not null)
            {
                var entry = new JsonObject
                {
                    ["event_id"] = e.Id,
                    ["activity_key"] = e.ActivityKey,
                    ["action"] = e.Action,
                    ["at"] = StoreTime.Format(e.CreatedAt),
                    ["actor"] = e.Actor ?? String(e.Payload, "sender", "login"),
                    ["state"] = String(issue, "state"),
                };
                if (String(e.Payload, "label", "name") is { } label) entry["label"] = label;
                history.Add(entry);
            }
        }
        ProjectionSupport.MergeHistory(doc, history);
        return doc;
    }
}
