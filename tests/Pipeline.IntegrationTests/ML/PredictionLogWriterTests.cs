using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;
using Pipeline.Storage;
using Pipeline.Storage.Postgres;

namespace Pipeline.IntegrationTests.ML;

/// <summary>
/// The prediction-log writer on real PostgreSQL with deferred entries (documents built by the writer): more entries than
/// a batch holds, mixed with ready documents, all written on a graceful stop, none dropped, each as the request logged it.
/// </summary>
[Collection(MlServersCollection.Name)]
public class PredictionLogWriterTests(MlServersFixture fx)
{
    [Fact]
    public async Task Stop_writes_every_queued_entry_in_bounded_batches_and_loses_nothing()
    {
        var store = new PostgresStore(await fx.Postgres.CreateDatabaseAsync("plog_" + Guid.NewGuid().ToString("N")[..8]));
        try
        {
            using var metrics = new MlMetrics();
            var options = Options.Create(new MlOptions());
            var log = new PredictionLog(options, metrics);
            var writer = new PredictionLogWriter(log, store, metrics, NullLogger<PredictionLogWriter>.Instance);
            var total = PredictionLogWriter.BatchSize * 2 + 137; // three batches, the last one partial
            var created = new DateTime(2026, 12, 3, 6, 30, 0, DateTimeKind.Utc);
            var label = new LabelerPrediction(ModelNames.IssueLabeler, 3, "bug", 0.9, [new("bug", 0.9), new("docs", 0.05)]) { Labels = [new("bug", 0.9)], DatasetSource = "synthetic" };
            var ttc = new TimeToClosePrediction(ModelNames.TimeToClose, 5, true, 0.75, 2.5) { DatasetSource = "synthetic" };
            // Queued before the writer runs: the stop has to drain all of it, batch by batch.
            for (var i = 0; i < total; i++)
            {
                var input = new IssueModelInput { Text = new string('x', i), Repo = "acme/api", AuthorAssociation = "NONE", Language = "Go", RepoActivity30d = i };
                if (i % 3 == 0) log.Enqueue(PredictionLogEntry.TimeToClose($"e{i:D5}", ttc, created, "api", $"h{i}", $"acme/api#{i}", input, i / 10.0));
                else if (i % 3 == 1) log.Enqueue(PredictionLogEntry.Labeler($"e{i:D5}", label, created, "api", $"h{i}", $"acme/api#{i}", input, i / 10.0));
                else log.Enqueue($"e{i:D5}", new System.Text.Json.Nodes.JsonObject { ["model"] = "ready", ["repo"] = "acme/api", ["n"] = i });
            }
            Assert.Equal(total, log.Pending);

            await writer.StartAsync(CancellationToken.None);
            await writer.StopAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);

            Assert.Equal(0, log.Pending);
            Assert.Equal(0, log.Dropped);
            Assert.Equal(total, await store.CountAsync(Collections.Predictions));
            var ttcDoc = (await store.GetAsync(Collections.Predictions, "e00003"))!;
            Assert.Equal(ModelNames.TimeToClose, ttcDoc["model"]!.GetValue<string>());
            Assert.Equal(3, ttcDoc["features"]!["text_chars"]!.GetValue<int>());
            Assert.Equal(3, ttcDoc["features"]!["RepoActivity30d"]!.GetValue<double>());
            Assert.Equal("acme/api#3", ttcDoc["issue_ref"]!.GetValue<string>());
            Assert.Equal(0.75, ttcDoc["output"]!["probability"]!.GetValue<double>());
            Assert.Equal(IssueDocumentSchema.FormatTime(created), ttcDoc["created_at"]!.GetValue<string>());
            var labelDoc = (await store.GetAsync(Collections.Predictions, "e00004"))!;
            Assert.Equal("bug", labelDoc["output"]!["label"]!.GetValue<string>());
            Assert.Equal(2, labelDoc["output"]!["top"]!.AsArray().Count);
            Assert.False(labelDoc["resolved"]!.GetValue<bool>());
            Assert.Equal(5, (await store.GetAsync(Collections.Predictions, "e00005"))!["n"]!.GetValue<int>());
            // A stopped log refuses (and counts) what arrives after the stop instead of losing it silently.
            log.Enqueue(PredictionLogEntry.Ready("late", new System.Text.Json.Nodes.JsonObject()));
            Assert.Equal(1, log.Dropped);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }
}
