using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain;
using Pipeline.Storage;
using Pipeline.Storage.Events;

namespace Pipeline.Testing.Storage;

/// <summary>GH Archive-like events for load: a mix of pushes, stars, issues and pull requests over many repositories.</summary>
public static class SyntheticEvents
{
    public static List<GitHubEvent> Generate(int count, int repositories = 40_000, int seed = 1)
    {
        var random = new Random(seed);
        var t0 = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var list = new List<GitHubEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var repo = $"org{random.Next(repositories / 20)}/repo{random.Next(20)}";
            var at = t0.AddMilliseconds(i * 20L);
            string type;
            string? action = null;
            JsonObject payload;
            switch (random.Next(10))
            {
                case 0 or 1:
                    type = "issues";
                    action = random.Next(2) == 0 ? "opened" : "closed";
                    payload = new JsonObject
                    {
                        ["action"] = action,
                        ["issue"] = new JsonObject
                        {
                            ["number"] = random.Next(500),
                            ["title"] = "Issue " + i,
                            ["body"] = new string('x', 600),
                            ["state"] = action == "opened" ? "open" : "closed",
                            ["user"] = new JsonObject { ["login"] = "u" + random.Next(1000) },
                            ["labels"] = new JsonArray(new JsonObject { ["name"] = "bug" }),
                            ["comments"] = random.Next(20),
                            ["created_at"] = "2023-12-01T00:00:00Z",
                            ["updated_at"] = at.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                        },
                    };
                    break;
                case 2:
                    type = "watch";
                    action = "started";
                    payload = new JsonObject { ["action"] = "started" };
                    break;
                case 3:
                    type = "pull_request";
                    action = "opened";
                    payload = new JsonObject
                    {
                        ["action"] = "opened",
                        ["number"] = 1,
                        ["pull_request"] = new JsonObject
                        {
                            ["number"] = random.Next(300),
                            ["title"] = "PR " + i,
                            ["state"] = "open",
                            ["merged"] = false,
                            ["additions"] = 5,
                            ["deletions"] = 1,
                            ["user"] = new JsonObject { ["login"] = "dev" + random.Next(500) },
                            ["body"] = new string('y', 800),
                            ["created_at"] = at.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                            ["updated_at"] = at.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                            ["base"] = new JsonObject { ["ref"] = "main", ["repo"] = new JsonObject { ["full_name"] = repo, ["language"] = "C#", ["stargazers_count"] = random.Next(5000) } },
                        },
                    };
                    break;
                default:
                    type = "push";
                    payload = new JsonObject
                    {
                        ["push_id"] = i,
                        ["size"] = 1,
                        ["ref"] = "refs/heads/main",
                        ["head"] = "sha" + i,
                        ["commits"] = new JsonArray(new JsonObject { ["sha"] = "sha" + i, ["message"] = new string('m', 300), ["author"] = new JsonObject { ["name"] = "n", ["email"] = "e@example.com" } }),
                    };
                    break;
            }
            list.Add(new GitHubEvent((30_000_000_000L + i).ToString(), type, action, repo, "actor" + random.Next(5000), at,
                EventSources.GhArchive, null, at.AddSeconds(5), JsonSerializer.SerializeToElement(payload)));
        }
        return list;
    }
}

public sealed record EventSinkThroughputResult(int Events, int BatchSize, double AveragePayloadBytes,
    double RawInsertPerSecond, double SinkPerSecond, double RedeliveryPerSecond)
{
    public double SinkToRawRatio => SinkPerSecond / RawInsertPerSecond;

    public override string ToString() =>
        $"events={Events} batch={BatchSize} payload≈{AveragePayloadBytes:0} B: raw insert-if-absent {RawInsertPerSecond:0}/s, " +
        $"EventSink (events + projections) {SinkPerSecond:0}/s (ratio {SinkToRawRatio:0.00}), redelivery {RedeliveryPerSecond:0}/s";
}

/// <summary>
/// Measures <see cref="EventSink"/> against the raw ceiling of the same store in the same run: plain batched
/// insert-if-absent of the same event documents into a collection with the same indexes, no projections. For bench/.
/// </summary>
public static class EventSinkThroughput
{
    public static async Task<EventSinkThroughputResult> MeasureAsync(IDocumentStore rawStore, IDocumentStore sinkStore,
        IReadOnlyList<GitHubEvent> events, int batchSize = 5000, CancellationToken ct = default)
    {
        await StoreSchema.EnsureAsync(sinkStore, ct);
        var eventsIndexes = StoreSchema.Default.Single(c => c.Name == Collections.Events).Indexes;
        await rawStore.EnsureCollectionsAsync([new CollectionDefinition("events_raw", eventsIndexes)], ct);
        var batches = Enumerable.Range(0, (events.Count + batchSize - 1) / batchSize)
            .Select(b => events.Skip(b * batchSize).Take(batchSize).ToList()).ToList();

        var sw = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            await rawStore.InsertManyIfAbsentAsync("events_raw", batch.Select(e => new KeyValuePair<string, JsonObject>(e.Id, EventDocument.From(e))).ToList(), ct);
        }
        var raw = events.Count / sw.Elapsed.TotalSeconds;

        var sink = new EventSink(sinkStore);
        sw.Restart();
        var written = 0;
        foreach (var batch in batches) written += await sink.WriteAsync(batch, ct);
        var sinkRate = events.Count / sw.Elapsed.TotalSeconds;
        if (written != events.Count) throw new InvalidOperationException($"EventSink stored {written} of {events.Count} events");

        sw.Restart();
        foreach (var batch in batches) written += await sink.WriteAsync(batch, ct);
        var redelivery = events.Count / sw.Elapsed.TotalSeconds;
        if (written != events.Count) throw new InvalidOperationException("Redelivery stored events again");

        return new EventSinkThroughputResult(events.Count, batchSize, events.Average(e => e.Payload.GetRawText().Length), raw, sinkRate, redelivery);
    }
}
