using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Pipeline.Testing.GitHub;

/// <summary>A generated GH Archive file and what it contains.</summary>
public sealed record GeneratedArchive(string Path, int Events, long FirstId, IReadOnlyDictionary<string, int> CountsByType)
{
    public IEnumerable<string> Ids => Enumerable.Range(0, Events).Select(i => (FirstId + i).ToString(CultureInfo.InvariantCulture));
}

/// <summary>
/// Writes GH Archive-format files (<c>YYYY-MM-DD-H.json.gz</c>, one Events API object per line) with realistic events of the
/// modelled types (IssuesEvent, IssueCommentEvent, PullRequestEvent, PushEvent, WatchEvent, ForkEvent, ReleaseEvent, CreateEvent,
/// DeleteEvent), deterministic for a seed: same seed, same bytes. Ids are consecutive from <c>firstId</c>.
/// </summary>
public static class GhArchiveFileGenerator
{
    private static readonly (string Type, int Weight)[] Mix =
    [
        ("PushEvent", 45), ("WatchEvent", 12), ("IssueCommentEvent", 10), ("PullRequestEvent", 9), ("IssuesEvent", 7),
        ("CreateEvent", 8), ("ForkEvent", 3), ("DeleteEvent", 3), ("ReleaseEvent", 1), ("PullRequestReviewEvent", 2),
    ];

    private static readonly string[] Words = "the of and a to in is you that it he was for on are as with his they at be this from have or by one had not but what all were when we there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know".Split(' ');

    public static GeneratedArchive Generate(string path, int events, int seed = 42, DateTime? hour = null, long firstId = 30_000_000_000, int repos = 300, bool truncateLastLine = false)
    {
        using var file = File.Create(path);
        var counts = Write(file, events, seed, hour, firstId, repos, truncateLastLine);
        return new GeneratedArchive(path, events, firstId, counts);
    }

    /// <summary>Writes the gzip stream to <paramref name="output"/> (left open).</summary>
    public static IReadOnlyDictionary<string, int> Write(Stream output, int events, int seed = 42, DateTime? hour = null, long firstId = 30_000_000_000, int repos = 300, bool truncateLastLine = false)
    {
        var start = hour ?? new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var random = new Random(seed);
        var counts = new Dictionary<string, int>();
        using var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        using var writer = new Utf8JsonWriter(gz, new JsonWriterOptions { SkipValidation = true });
        var total = Mix.Sum(m => m.Weight);
        for (var i = 0; i < events; i++)
        {
            var pick = random.Next(total);
            var type = Mix.First(m => (pick -= m.Weight) < 0).Type;
            counts[type] = counts.GetValueOrDefault(type) + 1;
            var at = start.AddSeconds(3600.0 * i / Math.Max(1, events));
            var repoIndex = (int)Math.Min(repos - 1, Math.Abs(random.NextDouble() * random.NextDouble() * repos));
            var repo = $"org{repoIndex % 37}/repo-{repoIndex}";
            var actor = $"user{random.Next(50_000)}";
            WriteEvent(writer, random, firstId + i, type, repo, repoIndex, actor, at);
            writer.Flush();
            writer.Reset();
            if (truncateLastLine && i == events - 1)
            {
                break;
            }
            gz.WriteByte((byte)'\n');
        }
        if (truncateLastLine)
        {
            // Cut the last line in half: rewrite is not possible on a gzip stream, so append a partial extra line instead.
            var partial = Encoding.UTF8.GetBytes("\n{\"id\":\"" + (firstId + events) + "\",\"type\":\"PushEvent\",\"actor\":{\"login\":\"cut");
            gz.Write(partial);
        }
        return counts;
    }

    private static void WriteEvent(Utf8JsonWriter w, Random r, long id, string type, string repo, int repoId, string actor, DateTime at)
    {
        var ts = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        w.WriteStartObject();
        w.WriteString("id", id.ToString(CultureInfo.InvariantCulture));
        w.WriteString("type", type);
        w.WriteStartObject("actor");
        w.WriteNumber("id", StableId(actor));
        w.WriteString("login", actor);
        w.WriteString("display_login", actor);
        w.WriteString("gravatar_id", "");
        w.WriteString("url", "https://api.github.com/users/" + actor);
        w.WriteString("avatar_url", "https://avatars.githubusercontent.com/u/1?");
        w.WriteEndObject();
        w.WriteStartObject("repo");
        w.WriteNumber("id", 1000 + repoId);
        w.WriteString("name", repo);
        w.WriteString("url", "https://api.github.com/repos/" + repo);
        w.WriteEndObject();
        w.WriteStartObject("payload");
        var number = r.Next(1, 5000);
        switch (type)
        {
            case "PushEvent":
                w.WriteNumber("repository_id", 1000 + repoId);
                w.WriteNumber("push_id", id * 3);
                var size = r.Next(1, 4);
                w.WriteNumber("size", size);
                w.WriteNumber("distinct_size", size);
                w.WriteString("ref", "refs/heads/main");
                w.WriteString("head", Sha(r));
                w.WriteString("before", Sha(r));
                w.WriteStartArray("commits");
                for (var c = 0; c < size; c++)
                {
                    w.WriteStartObject();
                    w.WriteString("sha", Sha(r));
                    w.WriteStartObject("author");
                    w.WriteString("email", actor + "@example.com");
                    w.WriteString("name", actor);
                    w.WriteEndObject();
                    w.WriteString("message", Text(r, 4, 30));
                    w.WriteBoolean("distinct", true);
                    w.WriteString("url", $"https://api.github.com/repos/{repo}/commits/{Sha(r)}");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                break;
            case "WatchEvent":
                w.WriteString("action", "started");
                break;
            case "IssuesEvent":
                w.WriteString("action", r.Next(3) switch { 0 => "opened", 1 => "closed", _ => "reopened" });
                WriteIssue(w, "issue", r, repo, number, actor, ts, pull: false);
                break;
            case "IssueCommentEvent":
                w.WriteString("action", "created");
                WriteIssue(w, "issue", r, repo, number, $"user{r.Next(50_000)}", ts, pull: false);
                w.WriteStartObject("comment");
                w.WriteNumber("id", id * 7);
                w.WriteString("html_url", $"https://github.com/{repo}/issues/{number}#issuecomment-{id * 7}");
                WriteUser(w, "user", actor);
                w.WriteString("created_at", ts);
                w.WriteString("updated_at", ts);
                w.WriteString("author_association", "CONTRIBUTOR");
                w.WriteString("body", Text(r, 10, 120));
                w.WriteEndObject();
                break;
            case "PullRequestEvent":
            case "PullRequestReviewEvent":
                w.WriteString("action", type == "PullRequestEvent" ? (r.Next(2) == 0 ? "opened" : "closed") : "created");
                w.WriteNumber("number", number);
                WriteIssue(w, "pull_request", r, repo, number, actor, ts, pull: true);
                break;
            case "ForkEvent":
                w.WriteStartObject("forkee");
                w.WriteNumber("id", id * 5);
                w.WriteString("name", repo.Split('/')[1]);
                w.WriteString("full_name", actor + "/" + repo.Split('/')[1]);
                WriteUser(w, "owner", actor);
                w.WriteBoolean("private", false);
                w.WriteBoolean("fork", true);
                w.WriteString("created_at", ts);
                w.WriteString("updated_at", ts);
                w.WriteBoolean("public", true);
                w.WriteEndObject();
                break;
            case "ReleaseEvent":
                w.WriteString("action", "published");
                w.WriteStartObject("release");
                w.WriteNumber("id", id * 11);
                w.WriteString("tag_name", $"v{r.Next(10)}.{r.Next(20)}.{r.Next(50)}");
                w.WriteString("name", Text(r, 2, 5));
                w.WriteBoolean("draft", false);
                w.WriteBoolean("prerelease", r.Next(5) == 0);
                w.WriteString("created_at", ts);
                w.WriteString("published_at", ts);
                WriteUser(w, "author", actor);
                w.WriteString("body", Text(r, 20, 200));
                w.WriteEndObject();
                break;
            case "CreateEvent":
            case "DeleteEvent":
                w.WriteString("ref", "feature/" + Words[r.Next(Words.Length)]);
                w.WriteString("ref_type", "branch");
                if (type == "CreateEvent")
                {
                    w.WriteString("master_branch", "main");
                    w.WriteString("description", Text(r, 3, 12));
                }
                w.WriteString("pusher_type", "user");
                break;
        }
        w.WriteEndObject();
        w.WriteBoolean("public", true);
        w.WriteString("created_at", ts);
        if (repoId % 37 < 20)
        {
            w.WriteStartObject("org");
            w.WriteNumber("id", 500 + repoId % 37);
            w.WriteString("login", $"org{repoId % 37}");
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteIssue(Utf8JsonWriter w, string name, Random r, string repo, int number, string author, string ts, bool pull)
    {
        w.WriteStartObject(name);
        w.WriteString("url", $"https://api.github.com/repos/{repo}/{(pull ? "pulls" : "issues")}/{number}");
        w.WriteNumber("id", r.NextInt64(1, 3_000_000_000));
        w.WriteNumber("number", number);
        w.WriteString("title", Text(r, 3, 12));
        WriteUser(w, "user", author);
        w.WriteStartArray("labels");
        if (r.Next(3) == 0)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Next(2) == 0 ? "bug" : "enhancement");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("state", r.Next(4) == 0 ? "closed" : "open");
        w.WriteNumber("comments", r.Next(30));
        w.WriteString("created_at", ts);
        w.WriteString("updated_at", ts);
        w.WriteString("author_association", "NONE");
        w.WriteString("body", Text(r, 10, 150));
        if (pull)
        {
            w.WriteBoolean("merged", false);
            w.WriteNumber("additions", r.Next(500));
            w.WriteNumber("deletions", r.Next(300));
            w.WriteNumber("changed_files", r.Next(1, 20));
        }
        w.WriteEndObject();
    }

    private static void WriteUser(Utf8JsonWriter w, string name, string login)
    {
        w.WriteStartObject(name);
        w.WriteString("login", login);
        w.WriteNumber("id", StableId(login));
        w.WriteString("type", "User");
        w.WriteEndObject();
    }

    /// <summary>A stable number for a login (string.GetHashCode is randomised per process).</summary>
    private static long StableId(string s)
    {
        var h = 2166136261u;
        foreach (var c in s) h = (h ^ c) * 16777619u;
        return h % 10_000_000;
    }

    private static string Sha(Random r)
    {
        Span<byte> b = stackalloc byte[20];
        r.NextBytes(b);
        return Convert.ToHexStringLower(b);
    }

    private static string Text(Random r, int minWords, int maxWords)
    {
        var n = r.Next(minWords, maxWords + 1);
        var sb = new StringBuilder(n * 6);
        for (var i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(Words[r.Next(Words.Length)]);
        }
        return sb.ToString();
    }
}
