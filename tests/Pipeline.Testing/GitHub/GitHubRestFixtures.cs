using System.Globalization;
using System.Text.Json.Nodes;

namespace Pipeline.Testing.GitHub;

/// <summary>
/// GitHub REST resources in the shape api.github.com returns them (field sets copied from recorded responses of
/// <c>GET /repos/{o}/{r}/issues</c>, <c>/stargazers</c> with <c>application/vnd.github.star+json</c>, <c>/releases</c>,
/// <c>/actions/runs</c>), parameterised by number, login and time so scenarios can be scripted.
/// </summary>
public static class GitHubRestFixtures
{
    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static JsonObject User(string login, long id) => JsonNode.Parse($$"""
        {
          "login": "{{login}}", "id": {{id}}, "node_id": "MDQ6VXNlcj{{id}}",
          "avatar_url": "https://avatars.githubusercontent.com/u/{{id}}?v=4", "gravatar_id": "",
          "url": "https://api.github.com/users/{{login}}", "html_url": "https://github.com/{{login}}",
          "followers_url": "https://api.github.com/users/{{login}}/followers",
          "repos_url": "https://api.github.com/users/{{login}}/repos",
          "type": "User", "user_view_type": "public", "site_admin": false
        }
        """)!.AsObject();

    public static JsonObject Issue(string repo, int number, DateTimeOffset createdAt, DateTimeOffset updatedAt, string author, bool pull = false, bool closed = false)
    {
        var kind = pull ? "pull" : "issues";
        var issue = JsonNode.Parse($$"""
            {
              "url": "https://api.github.com/repos/{{repo}}/issues/{{number}}",
              "repository_url": "https://api.github.com/repos/{{repo}}",
              "labels_url": "https://api.github.com/repos/{{repo}}/issues/{{number}}/labels{/name}",
              "comments_url": "https://api.github.com/repos/{{repo}}/issues/{{number}}/comments",
              "events_url": "https://api.github.com/repos/{{repo}}/issues/{{number}}/events",
              "html_url": "https://github.com/{{repo}}/{{kind}}/{{number}}",
              "id": {{1_000_000 + number}}, "node_id": "I_kwDOAbc{{number}}", "number": {{number}},
              "title": "Recorded-shape item {{number}}",
              "labels": [ { "id": 208045946, "node_id": "MDU6TGFiZWwyMDgwNDU5NDY=", "url": "https://api.github.com/repos/{{repo}}/labels/bug", "name": "bug", "color": "f29513", "default": true, "description": "Something isn't working" } ],
              "state": "{{(closed ? "closed" : "open")}}", "locked": false, "assignee": null, "assignees": [], "milestone": null,
              "comments": {{number % 7}},
              "created_at": "{{Iso(createdAt)}}", "updated_at": "{{Iso(updatedAt)}}", "closed_at": {{(closed ? "\"" + Iso(updatedAt) + "\"" : "null")}},
              "author_association": "CONTRIBUTOR", "active_lock_reason": null, "body": "Steps to reproduce ...",
              "reactions": { "url": "https://api.github.com/repos/{{repo}}/issues/{{number}}/reactions", "total_count": 0, "+1": 0, "-1": 0 },
              "timeline_url": "https://api.github.com/repos/{{repo}}/issues/{{number}}/timeline",
              "performed_via_github_app": null, "state_reason": {{(closed ? "\"completed\"" : "null")}}
            }
            """)!.AsObject();
        issue["user"] = User(author, 100 + number);
        if (pull)
        {
            issue["draft"] = false;
            issue["pull_request"] = JsonNode.Parse($$"""
                { "url": "https://api.github.com/repos/{{repo}}/pulls/{{number}}", "html_url": "https://github.com/{{repo}}/pull/{{number}}",
                  "diff_url": "https://github.com/{{repo}}/pull/{{number}}.diff", "patch_url": "https://github.com/{{repo}}/pull/{{number}}.patch", "merged_at": null }
                """);
        }
        return issue;
    }

    /// <summary>A stargazer as returned with <c>Accept: application/vnd.github.star+json</c>.</summary>
    public static JsonObject Stargazer(string login, long id, DateTimeOffset starredAt) =>
        new() { ["starred_at"] = Iso(starredAt), ["user"] = User(login, id) };

    public static JsonObject Release(string repo, long id, string tag, DateTimeOffset createdAt, DateTimeOffset? publishedAt, string author)
    {
        var release = JsonNode.Parse($$"""
            {
              "url": "https://api.github.com/repos/{{repo}}/releases/{{id}}",
              "assets_url": "https://api.github.com/repos/{{repo}}/releases/{{id}}/assets",
              "upload_url": "https://uploads.github.com/repos/{{repo}}/releases/{{id}}/assets{?name,label}",
              "html_url": "https://github.com/{{repo}}/releases/tag/{{tag}}",
              "id": {{id}}, "node_id": "RE_kwDO{{id}}", "tag_name": "{{tag}}", "target_commitish": "main", "name": "{{tag}}",
              "draft": {{(publishedAt is null ? "true" : "false")}}, "immutable": false, "prerelease": false,
              "created_at": "{{Iso(createdAt)}}", "updated_at": "{{Iso(publishedAt ?? createdAt)}}",
              "published_at": {{(publishedAt is { } p ? "\"" + Iso(p) + "\"" : "null")}},
              "assets": [],
              "tarball_url": "https://api.github.com/repos/{{repo}}/tarball/{{tag}}",
              "zipball_url": "https://api.github.com/repos/{{repo}}/zipball/{{tag}}",
              "body": "## What's Changed\n* Fixes"
            }
            """)!.AsObject();
        release["author"] = User(author, id % 1000);
        return release;
    }

    public static JsonObject WorkflowRun(string repo, long id, string status, string? conclusion, DateTimeOffset createdAt, DateTimeOffset updatedAt, string actor)
    {
        var run = JsonNode.Parse($$"""
            {
              "id": {{id}}, "name": "CI", "node_id": "WFR_kwLO{{id}}", "head_branch": "main",
              "head_sha": "{{id:x40}}", "path": ".github/workflows/ci.yml@main", "display_title": "Build {{id}}",
              "run_number": {{id % 100000}}, "event": "push", "status": "{{status}}",
              "conclusion": {{(conclusion is null ? "null" : "\"" + conclusion + "\"")}},
              "workflow_id": 161335, "check_suite_id": {{id * 2}}, "check_suite_node_id": "CS_kwDO{{id}}",
              "url": "https://api.github.com/repos/{{repo}}/actions/runs/{{id}}",
              "html_url": "https://github.com/{{repo}}/actions/runs/{{id}}",
              "pull_requests": [], "created_at": "{{Iso(createdAt)}}", "updated_at": "{{Iso(updatedAt)}}",
              "run_attempt": 1, "referenced_workflows": [], "run_started_at": "{{Iso(createdAt)}}",
              "jobs_url": "https://api.github.com/repos/{{repo}}/actions/runs/{{id}}/jobs",
              "logs_url": "https://api.github.com/repos/{{repo}}/actions/runs/{{id}}/logs",
              "workflow_url": "https://api.github.com/repos/{{repo}}/actions/workflows/161335"
            }
            """)!.AsObject();
        run["actor"] = User(actor, 7);
        run["triggering_actor"] = User(actor, 7);
        return run;
    }
}
