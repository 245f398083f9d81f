using System.Text.Json.Nodes;
using Pipeline.Analytics.Seed;

namespace Pipeline.UnitTests.Analytics;

/// <summary>The sample generator writes GH Archive records as the public events API shapes them.</summary>
public sealed class SeedShapeTests
{
    private static readonly SeedOptions Options = new() { Now = new DateTimeOffset(2026, 3, 18, 12, 0, 0, TimeSpan.Zero), Years = 3, Scale = 0.05, NewRepositoriesPerDay = 0.2 };

    [Fact]
    public void Gh_archive_records_carry_no_payload_repository_and_a_language_only_on_pull_request_base_repos()
    {
        var records = SeedDataGenerator.GenerateArchiveRecords(Options).ToList();
        Assert.True(records.Count > 1000);
        Assert.All(records, r =>
        {
            var payload = r["payload"]!.AsObject();
            Assert.False(payload.ContainsKey("repository"), $"{r["type"]} {r["id"]} has a payload.repository");
            Assert.NotNull(r["repo"]!["name"]);
            Assert.NotNull(r["repo"]!["id"]);
            Assert.EndsWith("Event", r["type"]!.GetValue<string>());
            var json = payload.ToJsonString();
            if (r["type"]!.GetValue<string>() == "PullRequestEvent")
            {
                Assert.NotNull(payload["pull_request"]!["base"]!["repo"]!["language"]);
            }
            else
            {
                Assert.DoesNotContain("\"language\"", json, StringComparison.Ordinal);
            }
        });
        // Watch events are {action} only, as the events API writes them.
        Assert.All(records.Where(r => r["type"]!.GetValue<string>() == "WatchEvent"), r => Assert.Equal("{\"action\":\"started\"}", r["payload"]!.ToJsonString()));
        // Every new small repository has a pull request naming its language (one created on the last day may open it
        // after "now").
        var withPr = records.Where(r => r["type"]!.GetValue<string>() == "PullRequestEvent").Select(r => r["repo"]!["name"]!.GetValue<string>()).ToHashSet();
        var lastDay = Options.Now!.Value.UtcDateTime.Date;
        var settled = records.GroupBy(r => r["repo"]!["name"]!.GetValue<string>())
            .Where(g => g.Min(r => DateTime.Parse(r["created_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal)) < lastDay)
            .Select(g => g.Key)
            // The small repositories (named owner/word-word-NNNN) open a first pull request when created; featured ones
            // have many at any realistic scale but may have none at this test's tiny one.
            .Where(name => System.Text.RegularExpressions.Regex.IsMatch(name, @"-\d{4}$"))
            .ToList();
        Assert.True(settled.Count > 5, $"{settled.Count} small repositories");
        Assert.All(settled, name => Assert.Contains(name, withPr));
    }

    [Fact]
    public void Generated_events_are_the_records_through_the_gh_archive_normaliser()
    {
        var events = SeedDataGenerator.Generate(Options).Take(5000).ToList();
        Assert.All(events, e =>
        {
            Assert.Equal("gharchive", e.Source);
            Assert.False(e.Payload.TryGetProperty("repository", out _), $"{e.Type} {e.Id} has a payload.repository");
        });
        // Issues get first responses from someone other than the author.
        var responses = events.Where(e => e.Type == "issue_comment" && e.Payload.TryGetProperty("issue", out _)).ToList();
        Assert.NotEmpty(responses);
        Assert.All(responses, e => Assert.NotEqual(e.Payload.GetProperty("issue").GetProperty("user").GetProperty("login").GetString(), e.Actor));
    }

    [Fact]
    public void Seeding_is_deterministic()
    {
        var a = SeedDataGenerator.GenerateArchiveRecords(Options).Take(3000).Select(r => r.ToJsonString()).ToList();
        var b = SeedDataGenerator.GenerateArchiveRecords(Options).Take(3000).Select(r => r.ToJsonString()).ToList();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Flattened_rows_carry_the_activity_key_the_normaliser_gives_their_events()
    {
        foreach (var e in SeedDataGenerator.GenerateRaw(Options).Take(20000))
        {
            Assert.Equal(SeedDataGenerator.ToGitHubEvent(e).ActivityKey, SeedDataGenerator.ToRow(e).ActivityKey);
        }
    }
}
