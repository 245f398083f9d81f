using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Analytics.Snapshot;
using Pipeline.Domain;
using Pipeline.Domain.Normalization;
using Pipeline.Storage;
using Pipeline.Storage.Events;

namespace Pipeline.Analytics.Seed;

/// <summary>
/// Generates a realistic GitHub event history over several calendar years: a handful of featured repositories in
/// different languages with their own growth (some rising fast, one declining), weekly and seasonal rhythm, stars,
/// forks, pushes, issues and pull requests opened and later closed after log-normal durations that shrink as projects
/// mature, first responses to issues by someone other than the author, plus a trickle of new small repositories (each
/// opens a first pull request, which is where GH Archive names its language). Events are GH Archive records with the
/// public events API's shapes (<see cref="ToArchiveRecord"/>: no payload.repository, the language only on pull
/// requests' base repo) normalised as a backfill normalises them, so the store's projections (repositories, issues,
/// pulls, stars) and the trends' language attribution work on them as on real history. Deterministic: event ids depend only on
/// the random seed, the repository and the day, so seeding twice stores every event once.
/// </summary>
public static class SeedDataGenerator
{
    private sealed record RepoProfile(
        string FullName, string Language, DateOnly Created, double BaseDaily, double YearlyGrowth, double IssueCloseMedianHours, double Stars,
        bool Small = false);

    /// <summary>One generated event before it is given a payload or flattened.</summary>
    public readonly record struct SeedEvent(
        string Id, string Type, string? Action, string Repo, string Language, string Actor, DateTime CreatedAt,
        string? RefType, long? Number, DateTime? ItemCreatedAt, DateTime? ItemClosedAt, bool? Merged, DateOnly RepoCreated,
        string? ItemAuthor = null);

    public static readonly string[] Languages = ["C#", "TypeScript", "Python", "Rust", "Go", "Java", "JavaScript"];

    private static IReadOnlyList<RepoProfile> FeaturedRepositories(int firstYear) =>
    [
        new("contoso/quantum-sdk", "C#", new DateOnly(firstYear - 2, 3, 14), 9, 1.45, 60, 1.0),
        new("fabrikam/webapp", "TypeScript", new DateOnly(firstYear - 4, 6, 2), 11, 1.05, 30, 0.8),
        new("northwind/ml-toolkit", "Python", new DateOnly(firstYear + 1, 2, 9), 6, 2.4, 90, 1.6),
        new("adatum/kernel-rs", "Rust", new DateOnly(firstYear - 1, 9, 20), 5, 1.7, 120, 1.3),
        new("tailspin/cli", "Go", new DateOnly(firstYear - 3, 1, 5), 6, 1.15, 40, 0.9),
        new("woodgrove/legacy-erp", "Java", new DateOnly(firstYear - 8, 4, 1), 8, 0.7, 200, 0.3),
        new("litware/docs-site", "JavaScript", new DateOnly(firstYear - 2, 11, 11), 4, 1.0, 20, 0.5),
        new("contoso/ui-kit", "TypeScript", new DateOnly(firstYear, 5, 17), 5, 1.6, 35, 1.2),
        new("proseware/dataflow", "Python", new DateOnly(firstYear - 1, 7, 7), 5, 1.3, 70, 1.0),
        new("fabrikam/edge-agent", "Rust", new DateOnly(firstYear + 2, 1, 20), 4, 2.0, 50, 1.4),
    ];

    // Popularity drift of languages for new repositories: rising Rust/Python, falling Java.
    private static readonly Dictionary<string, (double Weight, double Growth)> LanguageTrend = new()
    {
        ["C#"] = (1.0, 1.05),
        ["TypeScript"] = (1.4, 1.15),
        ["Python"] = (1.5, 1.3),
        ["Rust"] = (0.5, 1.6),
        ["Go"] = (0.7, 1.1),
        ["Java"] = (1.0, 0.8),
        ["JavaScript"] = (1.2, 0.95),
    };

    /// <summary>The generated events in time order per day.</summary>
    public static IEnumerable<SeedEvent> GenerateRaw(SeedOptions? options = null)
    {
        options ??= new SeedOptions();
        var now = (options.Now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var firstYear = today.Year - (Math.Max(options.Years, 1) - 1);
        var start = new DateOnly(firstYear, 1, 1);
        var repos = FeaturedRepositories(firstYear).ToList();
        var counters = new Dictionary<string, long>();
        var pending = new PriorityQueue<SeedEvent, DateTime>();

        for (var day = start; day <= today; day = day.AddDays(1))
        {
            var rng = new Random(HashCode(options.RandomSeed, day.DayNumber, 0));
            var dayEvents = new List<SeedEvent>();

            // New small repositories: a create event now and a little activity later.
            var yearIndex = (day.DayNumber - start.DayNumber) / 365.25;
            foreach (var (language, (weight, growth)) in LanguageTrend.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var rate = options.NewRepositoriesPerDay * options.Scale * weight * Math.Pow(growth, yearIndex) / LanguageTrend.Count * 1.8;
                for (var n = Poisson(rng, rate); n > 0; n--)
                {
                    var name = $"{Owners[rng.Next(Owners.Length)]}/{Words[rng.Next(Words.Length)]}-{Words[rng.Next(Words.Length)]}-{rng.Next(1000, 9999)}";
                    var created = day;
                    var profile = new RepoProfile(name, language, created, 0.6, 1.0, 48, 0.6, Small: true);
                    repos.Add(profile);
                    dayEvents.Add(Make(rng, options, profile, day, "create", null, "repository", counters));
                    // A first pull request: in GH Archive history the only record that names the repository's language.
                    OpenItem(rng, options, profile, day, "pull_request", 24, 0.9, now, dayEvents, pending, counters);
                }
            }

            foreach (var repo in repos)
            {
                if (repo.Created > day) continue;
                if (repo.Created == day && !repo.Small)
                {
                    dayEvents.Add(Make(rng, options, repo, day, "create", null, "repository", counters));
                }
                var rate = DailyRate(repo, day, start, options.Scale);
                if (rate <= 0) continue;
                var repoRng = new Random(HashCode(options.RandomSeed, day.DayNumber, StableHash(repo.FullName)));
                Emit(repoRng, options, repo, day, "push", null, rate * 0.30, dayEvents, counters);
                Emit(repoRng, options, repo, day, "watch", "started", rate * 0.22 * repo.Stars, dayEvents, counters);
                Emit(repoRng, options, repo, day, "fork", null, rate * 0.05 * repo.Stars, dayEvents, counters);
                Emit(repoRng, options, repo, day, "issue_comment", "created", rate * 0.14, dayEvents, counters);
                Emit(repoRng, options, repo, day, "pull_request_review", "submitted", rate * 0.05, dayEvents, counters);
                Emit(repoRng, options, repo, day, "create", null, rate * 0.04, dayEvents, counters, "branch");

                var maturity = Math.Max(0, (day.DayNumber - repo.Created.DayNumber) / 365.25);
                for (var n = Poisson(repoRng, rate * 0.08); n > 0; n--)
                {
                    OpenItem(repoRng, options, repo, day, "issues", repo.IssueCloseMedianHours * Math.Pow(0.85, maturity), 0.8, now, dayEvents, pending, counters);
                }
                for (var n = Poisson(repoRng, rate * 0.07); n > 0; n--)
                {
                    OpenItem(repoRng, options, repo, day, "pull_request", repo.IssueCloseMedianHours * 0.5 * Math.Pow(0.85, maturity), 0.9, now, dayEvents, pending, counters);
                }
            }

            // Closing events scheduled by earlier days that fall on this day.
            var dayEnd = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            while (pending.TryPeek(out var due, out var at) && at < dayEnd)
            {
                pending.Dequeue();
                dayEvents.Add(due);
            }
            foreach (var e in dayEvents.Where(e => e.CreatedAt <= now).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal))
            {
                yield return e;
            }
        }
    }

    /// <summary>The generated events as pipeline envelopes with GitHub-shaped payloads.</summary>
    public static IEnumerable<GitHubEvent> Generate(SeedOptions? options = null) =>
        GenerateRaw(options).Select(ToGitHubEvent);

    /// <summary>The generated events already flattened (the benchmark writes millions of these straight to Parquet).</summary>
    internal static IEnumerable<EventRow> GenerateRows(SeedOptions? options = null) =>
        GenerateRaw(options).Select(ToRow);

    /// <summary>Lands the generated history through the event sink (so projections exist); returns how many events were new.</summary>
    public static async Task<int> SeedAsync(IEventSink sink, SeedOptions? options = null, CancellationToken ct = default)
    {
        var inserted = 0;
        foreach (var batch in Generate(options).Chunk(500))
        {
            inserted += await sink.WriteAsync(batch, ct);
        }
        return inserted;
    }

    /// <summary>Lands the generated history in a store through the store's event sink, projections included (the
    /// repositories projection is where the languages of GH Archive-shaped history come from).</summary>
    public static Task<int> SeedAsync(IDocumentStore store, SeedOptions? options = null, CancellationToken ct = default) =>
        SeedAsync(new EventSink(store), options, ct);

    internal static EventRow ToRow(SeedEvent e) => new()
    {
        Id = e.Id,
        Type = e.Type,
        Action = e.Action,
        Repo = e.Repo,
        Actor = e.Actor,
        CreatedAt = e.CreatedAt,
        ReceivedAt = e.CreatedAt.AddSeconds(2),
        // As in GH Archive: only pull requests name the language (their base repo); the jobs attribute the rest by repository.
        Language = e.Type == "pull_request" ? e.Language : null,
        RefType = e.RefType,
        Number = e.Number,
        ItemCreatedAt = e.ItemCreatedAt,
        ItemClosedAt = e.ItemClosedAt,
        Merged = e.Merged,
        ItemAuthor = e.Type is "issues" or "pull_request" or "issue_comment" && e.Number is not null ? e.ItemAuthor ?? e.Actor : null,
        ItemKind = e.Type switch
        {
            "issues" => "issue",
            "pull_request" => "pr",
            "issue_comment" when e.Number is not null => "issue",
            _ => null,
        },
        ActivityKey = ActivityKeyOf(e),
    };

    /// <summary>The activity key <see cref="ToGitHubEvent"/>'s event gets, computed without building the payload (the
    /// benchmark flattens millions of rows); a unit test holds the two equal.</summary>
    public static string ActivityKeyOf(SeedEvent e)
    {
        var r = ActivityKey.RepoKey(e.Repo);
        var repoName = e.Repo[(e.Repo.IndexOf('/') + 1)..];
        return e.Type switch
        {
            "issues" or "pull_request" when e.Action == "opened" => $"{e.Type}:{r}#{e.Number}:opened",
            "issues" or "pull_request" when e.Action == "closed" => $"{e.Type}:{r}#{e.Number}:closed:{(e.ItemClosedAt is { } c ? Iso(c) : Iso(e.CreatedAt))}",
            "watch" => $"star:{r}:{e.Actor.ToLowerInvariant()}",
            "push" => $"push:{r}:{Sha(e.Id)}",
            "fork" => $"fork:{r}:{$"{e.Actor}/{repoName}".ToLowerInvariant()}",
            "create" => $"create:{r}:{e.RefType}:{(e.RefType == "repository" ? null : $"feature/{e.Id[^6..]}")}",
            "issue_comment" => $"issue_comment:{r}:{(StableHash(e.Id) & 0x7fffffff).ToString(CultureInfo.InvariantCulture)}:created",
            _ => $"{e.Type}:{r}:event:{e.Id}",
        };
    }

    /// <summary>
    /// The GH Archive record of a generated event, shaped as the public events API writes it: an envelope
    /// <c>{id, type:"IssuesEvent", actor, repo:{id, name, url}, payload, public, created_at, org?}</c> whose payload carries
    /// no <c>repository</c> object (IssuesEvent <c>{action, issue}</c>, WatchEvent <c>{action}</c>, PushEvent
    /// <c>{repository_id, push_id, size, ref, head, before, commits}</c>...). A repository's language appears only on pull
    /// requests' <c>base.repo</c>, as in real GH Archive data.
    /// </summary>
    public static JsonObject ToArchiveRecord(SeedEvent e)
    {
        var repoName = e.Repo[(e.Repo.IndexOf('/') + 1)..];
        var owner = e.Repo[..e.Repo.IndexOf('/')];
        var repoId = StableHash(e.Repo) & 0x7fffffff;
        var payload = new JsonObject();
        switch (e.Type)
        {
            case "issues":
            case "pull_request":
                var item = new JsonObject
                {
                    ["url"] = $"https://api.github.com/repos/{e.Repo}/{(e.Type == "issues" ? "issues" : "pulls")}/{e.Number}",
                    ["id"] = StableHash(e.Repo + "#" + e.Number) & 0x7fffffff,
                    ["number"] = e.Number,
                    ["title"] = $"{(e.Type == "issues" ? "Issue" : "Change")} #{e.Number} in {repoName}",
                    ["user"] = User(e.ItemAuthor ?? e.Actor),
                    ["labels"] = new JsonArray(e.Number % 3 == 0 ? new JsonObject { ["name"] = "bug" } : new JsonObject { ["name"] = "enhancement" }),
                    ["state"] = e.Action == "closed" ? "closed" : "open",
                    ["locked"] = false,
                    ["comments"] = 0,
                    ["created_at"] = Iso(e.ItemCreatedAt!.Value),
                    ["updated_at"] = Iso(e.CreatedAt),
                    ["closed_at"] = e.ItemClosedAt is { } c ? Iso(c) : null,
                    ["author_association"] = "CONTRIBUTOR",
                    ["body"] = "Generated sample item.",
                    ["html_url"] = $"https://github.com/{e.Repo}/{(e.Type == "issues" ? "issues" : "pull")}/{e.Number}",
                };
                payload["action"] = e.Action;
                if (e.Type == "issues")
                {
                    payload["issue"] = item;
                }
                else
                {
                    item["merged"] = e.Merged ?? false;
                    item["merged_at"] = e.Merged == true && e.ItemClosedAt is { } m ? Iso(m) : null;
                    item["draft"] = false;
                    item["head"] = new JsonObject { ["ref"] = $"change-{e.Number}", ["sha"] = Sha(e.Id + "head"), ["user"] = User(e.ItemAuthor ?? e.Actor) };
                    item["base"] = new JsonObject
                    {
                        ["ref"] = "main",
                        ["sha"] = Sha(e.Id + "base"),
                        ["repo"] = new JsonObject
                        {
                            ["id"] = repoId,
                            ["name"] = repoName,
                            ["full_name"] = e.Repo,
                            ["owner"] = new JsonObject { ["login"] = owner, ["type"] = "Organization" },
                            ["private"] = false,
                            ["html_url"] = $"https://github.com/{e.Repo}",
                            ["language"] = e.Language,
                            ["created_at"] = Iso(e.RepoCreated.ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc)),
                            ["default_branch"] = "main",
                        },
                    };
                    payload["number"] = e.Number;
                    payload["pull_request"] = item;
                }
                break;
            case "create":
                payload["ref"] = e.RefType == "repository" ? null : $"feature/{e.Id[^6..]}";
                payload["ref_type"] = e.RefType;
                payload["master_branch"] = "main";
                payload["description"] = null;
                payload["pusher_type"] = "user";
                break;
            case "push":
                var head = Sha(e.Id);
                payload["repository_id"] = repoId;
                payload["push_id"] = StableHash(e.Id) & 0x7fffffff;
                payload["size"] = 1;
                payload["distinct_size"] = 1;
                payload["ref"] = "refs/heads/main";
                payload["head"] = head;
                payload["before"] = Sha(e.Id + "before");
                payload["commits"] = new JsonArray(new JsonObject
                {
                    ["sha"] = head,
                    ["author"] = new JsonObject { ["email"] = e.Actor + "@users.noreply.github.com", ["name"] = e.Actor },
                    ["message"] = "Update " + repoName,
                    ["distinct"] = true,
                    ["url"] = $"https://api.github.com/repos/{e.Repo}/commits/{head}",
                });
                break;
            case "watch":
                payload["action"] = "started";
                break;
            case "fork":
                payload["forkee"] = new JsonObject
                {
                    ["id"] = StableHash(e.Actor + "/" + repoName) & 0x7fffffff,
                    ["name"] = repoName,
                    ["full_name"] = $"{e.Actor}/{repoName}",
                    ["owner"] = User(e.Actor),
                    ["fork"] = true,
                    ["created_at"] = Iso(e.CreatedAt),
                };
                break;
            case "issue_comment":
                payload["action"] = "created";
                if (e.Number is { } issueNumber)
                {
                    payload["issue"] = new JsonObject
                    {
                        ["id"] = StableHash(e.Repo + "#" + issueNumber) & 0x7fffffff,
                        ["number"] = issueNumber,
                        ["title"] = $"Issue #{issueNumber} in {repoName}",
                        ["user"] = User(e.ItemAuthor ?? e.Actor),
                        ["state"] = "open",
                        ["created_at"] = e.ItemCreatedAt is { } ic ? Iso(ic) : null,
                        ["updated_at"] = Iso(e.CreatedAt),
                    };
                }
                payload["comment"] = new JsonObject
                {
                    ["id"] = StableHash(e.Id) & 0x7fffffff,
                    ["user"] = User(e.Actor),
                    ["body"] = "Thanks!",
                    ["created_at"] = Iso(e.CreatedAt),
                    ["updated_at"] = Iso(e.CreatedAt),
                };
                break;
            case "pull_request_review":
                payload["action"] = "created";
                payload["review"] = new JsonObject { ["id"] = StableHash(e.Id) & 0x7fffffff, ["state"] = "approved", ["user"] = User(e.Actor) };
                break;
        }
        var record = new JsonObject
        {
            ["id"] = e.Id,
            ["type"] = EventsApiType(e.Type),
            ["actor"] = new JsonObject
            {
                ["id"] = StableHash(e.Actor) & 0x7fffffff,
                ["login"] = e.Actor,
                ["display_login"] = e.Actor,
                ["gravatar_id"] = "",
                ["url"] = $"https://api.github.com/users/{e.Actor}",
                ["avatar_url"] = $"https://avatars.githubusercontent.com/u/{StableHash(e.Actor) & 0x7fffffff}?",
            },
            ["repo"] = new JsonObject { ["id"] = repoId, ["name"] = e.Repo, ["url"] = $"https://api.github.com/repos/{e.Repo}" },
            ["payload"] = payload,
            ["public"] = true,
            ["created_at"] = Iso(e.CreatedAt),
            ["org"] = new JsonObject { ["id"] = StableHash(owner) & 0x7fffffff, ["login"] = owner, ["url"] = $"https://api.github.com/orgs/{owner}" },
        };
        return record;
    }

    /// <summary>The generated history as GH Archive records (what a GH Archive hour file holds, one per line).</summary>
    public static IEnumerable<JsonObject> GenerateArchiveRecords(SeedOptions? options = null) => GenerateRaw(options).Select(ToArchiveRecord);

    /// <summary>A generated event as the pipeline receives it: its GH Archive record through the normaliser.</summary>
    public static GitHubEvent ToGitHubEvent(SeedEvent e) =>
        GitHubEventNormalizer.FromArchiveEvent(JsonSerializer.SerializeToElement(ToArchiveRecord(e)),
            new DateTimeOffset(e.CreatedAt, TimeSpan.Zero).AddSeconds(2));

    private static JsonObject User(string login) => new()
    {
        ["login"] = login,
        ["id"] = StableHash(login) & 0x7fffffff,
        ["type"] = "User",
    };

    private static string EventsApiType(string type) => type switch
    {
        "issues" => "IssuesEvent",
        "pull_request" => "PullRequestEvent",
        "pull_request_review" => "PullRequestReviewEvent",
        "issue_comment" => "IssueCommentEvent",
        "watch" => "WatchEvent",
        "fork" => "ForkEvent",
        "push" => "PushEvent",
        "create" => "CreateEvent",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no Events API name for this seed type"),
    };

    /// <summary>A stable 40-hex-digit commit-like id.</summary>
    private static string Sha(string seed)
    {
        var bytes = System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        return Convert.ToHexStringLower(bytes);
    }

    private static double DailyRate(RepoProfile repo, DateOnly day, DateOnly start, double scale)
    {
        var age = (day.DayNumber - repo.Created.DayNumber) / 365.25;
        var sinceStart = Math.Max(0, (day.DayNumber - Math.Max(start.DayNumber, repo.Created.DayNumber)) / 365.25);
        // New repositories ramp up over their first months; then the yearly growth compounds.
        var ramp = Math.Min(1.0, 0.25 + age * 2);
        var growth = Math.Pow(repo.YearlyGrowth, sinceStart);
        var weekday = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.55 : 1.0;
        var season = day.Month switch { 12 => 0.75, 8 => 0.85, 1 => 1.1, _ => 1.0 } * (1 + 0.15 * Math.Sin(day.DayOfYear / 58.0));
        var smallRepoDecay = repo.Small ? Math.Exp(-age * 3) : 1.0;
        return repo.BaseDaily * ramp * growth * weekday * season * smallRepoDecay * scale;
    }

    private static void Emit(Random rng, SeedOptions options, RepoProfile repo, DateOnly day, string type, string? action, double rate,
        List<SeedEvent> into, Dictionary<string, long> counters, string? refType = null)
    {
        for (var n = Poisson(rng, rate); n > 0; n--)
        {
            into.Add(Make(rng, options, repo, day, type, action, refType, counters));
        }
    }

    private static SeedEvent Make(Random rng, SeedOptions options, RepoProfile repo, DateOnly day, string type, string? action, string? refType,
        Dictionary<string, long> counters, long? number = null, DateTime? itemCreated = null, DateTime? itemClosed = null, bool? merged = null,
        DateTime? at = null)
    {
        var createdAt = at ?? day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddSeconds(rng.Next(0, 86400));
        var repoTag = $"seed-{options.RandomSeed:x}-{StableHash(repo.FullName) & 0xffffff:x6}";
        string id;
        if (number is { } n)
        {
            // Issues and pull requests: the id names the item and the transition, independent of when seeding ran.
            id = $"{repoTag}-{(type == "issues" ? "i" : "p")}{n}-{action}";
        }
        else
        {
            var key = repo.FullName + "|" + day.DayNumber.ToString(CultureInfo.InvariantCulture);
            counters.TryGetValue(key, out var seq);
            counters[key] = seq + 1;
            id = $"{repoTag}-{day:yyyyMMdd}-{seq}";
        }
        var actor = type is "watch" or "fork"
            ? $"user{rng.Next(1, 200000)}"
            : $"{repo.FullName[..repo.FullName.IndexOf('/')]}-dev{rng.Next(1, 8 + (int)(repo.BaseDaily * 3))}";
        return new SeedEvent(id, type, action, repo.FullName, repo.Language, actor, createdAt, refType, number, itemCreated, itemClosed, merged, repo.Created);
    }

    private static void OpenItem(Random rng, SeedOptions options, RepoProfile repo, DateOnly day, string type, double medianHours, double closeProbability,
        DateTime now, List<SeedEvent> into, PriorityQueue<SeedEvent, DateTime> pending, Dictionary<string, long> counters)
    {
        var numberKey = "#" + repo.FullName;
        counters.TryGetValue(numberKey, out var number);
        counters[numberKey] = ++number;
        var opened = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddSeconds(rng.Next(0, 86400));
        var opening = Make(rng, options, repo, day, type, "opened", null, counters, number, opened, null, type == "pull_request" ? false : null, opened);
        opening = opening with { ItemAuthor = opening.Actor };
        into.Add(opening);
        // Issues get a first response from a maintainer (never the author) after a log-normal delay, most within hours.
        var respondHours = medianHours * 0.15 * Math.Exp(1.2 * Gaussian(rng));
        var responds = type == "issues" && rng.NextDouble() < 0.85;
        var responder = $"{repo.FullName[..repo.FullName.IndexOf('/')]}-maint{rng.Next(1, 4)}";
        var respondedAt = opened.AddSeconds(Math.Round(Math.Max(0.02, respondHours) * 3600));
        if (responds)
        {
            // Made whatever "now" is (ids stay independent of it); one after now is never dequeued.
            var comment = Make(rng, options, repo, DateOnly.FromDateTime(respondedAt), "issue_comment", "created", null, counters, null, opened, null, null, respondedAt)
                with
            { Actor = responder, Number = number, ItemAuthor = opening.Actor };
            pending.Enqueue(comment with { Id = comment.Id + "-r" + number.ToString(CultureInfo.InvariantCulture) }, respondedAt);
        }
        if (rng.NextDouble() > closeProbability) return;
        // Log-normal durations: most items close within days, a long tail takes months.
        var hours = medianHours * Math.Exp(1.1 * Gaussian(rng));
        var closed = opened.AddSeconds(Math.Round(Math.Max(0.05, hours) * 3600));
        var merged = type == "pull_request" ? rng.NextDouble() < 0.75 : (bool?)null;
        var closeDay = DateOnly.FromDateTime(closed);
        var closing = Make(rng, options, repo, closeDay, type, "closed", null, counters, number, opened, closed, merged, closed) with { ItemAuthor = opening.Actor };
        // Drawn before this check so the random sequence (and every later id) does not depend on "now".
        if (closed > now) return;
        pending.Enqueue(closing, closed);
    }

    private static int Poisson(Random rng, double lambda)
    {
        if (lambda <= 0) return 0;
        if (lambda > 30) return Math.Max(0, (int)Math.Round(lambda + Math.Sqrt(lambda) * Gaussian(rng)));
        var l = Math.Exp(-lambda);
        var k = 0;
        var p = 1.0;
        do { k++; p *= rng.NextDouble(); } while (p > l);
        return k - 1;
    }

    private static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static int HashCode(int a, int b, int c) => unchecked((a * 397) ^ (b * 7919) ^ (c * 31)) & 0x7fffffff;

    /// <summary>FNV-1a: stable across processes (string.GetHashCode is randomised).</summary>
    public static int StableHash(string s)
    {
        unchecked
        {
            var h = (int)2166136261;
            foreach (var ch in s) h = (h ^ ch) * 16777619;
            return h;
        }
    }

    private static readonly string[] Owners = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor", "walter"];
    private static readonly string[] Words = ["fast", "tiny", "async", "graph", "cloud", "data", "pixel", "vector", "stream", "lambda", "neural", "query", "cache", "edge", "flux", "orbit"];
}
