using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Snapshot;
using Pipeline.Domain;
using Pipeline.Ingestion.Archive;
using Pipeline.Storage.Events;
using Pipeline.Testing.GitHub;

namespace Pipeline.UnitTests.Analytics;

/// <summary>
/// The shape that broke the DuckDB-rendered documents once: one GH Archive hour imported by the real backfill service
/// (every event on one day, 2024-01-01, the first day of its week, month and year), written by the real snapshot writer,
/// and the incremental plan of that day (one period per job). Every job's rendered documents must equal the row-by-row
/// conversion, and no job with a period may come out empty.
/// </summary>
public sealed class BackfillHourDocumentTests : IAsyncLifetime
{
    private static readonly DateTime Hour = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "pipeline-backfill-hour-" + Guid.NewGuid().ToString("N"));
    private IReadOnlyList<string> _files = [];

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(_directory);
        var archive = GhArchiveFileGenerator.Generate(Path.Combine(_directory, "2024-01-01-0.json.gz"), 400, seed: 5, hour: Hour, firstId: 1);
        var publisher = new RecordingEventPublisher();
        using var http = new HttpClient();
        var result = await new BackfillService(new GhArchiveReader(http), publisher, Options.Create(new BackfillOptions()), NullLogger<BackfillService>.Instance)
            .ImportAsync([archive.Path]);
        Assert.Equal(0, result.Errors);
        var storage = new LocalDirectorySnapshotStorage(Path.Combine(_directory, "snapshot"));
        await SnapshotExporter.WriteRowsAsync(storage, publisher.Events.Select(StoredRow));
        _files = (await storage.ListAsync(SnapshotLayout.EventsPrefix)).Select(n => Path.Combine(_directory, "snapshot", n)).ToList();
    }

    // The document as the store gives it back: keyed by the event id (its _id) and parsed from the text the sink wrote.
    private static EventRow StoredRow(GitHubEvent e)
    {
        var document = EventDocument.From(e);
        document["_id"] = e.Id;
        return EventDocumentMapper.FromDocument(JsonNode.Parse(document.ToJsonString())!.AsObject());
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void The_snapshot_partition_statistics_hold_the_timestamps_it_stores()
    {
        // DuckDB trusts row-group min/max when it prunes and folds filters: statistics off by a unit drop every row.
        var file = Assert.Single(_files);
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT m.stats_min, m.stats_max, d.lo, d.hi FROM parquet_metadata($file) m, " +
            "(SELECT CAST(MIN(created_at) AS VARCHAR) AS lo, CAST(MAX(created_at) AS VARCHAR) AS hi FROM read_parquet($file)) d " +
            "WHERE m.path_in_schema = 'created_at'";
        command.Parameters.Add(new DuckDBParameter("file", file));
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.StartsWith("2024-01-01 00:", reader.GetString(2));
        Assert.Equal(reader.GetString(2), reader.GetString(0));
        Assert.Equal(reader.GetString(3), reader.GetString(1));
    }

    [Theory]
    [MemberData(nameof(TrendDocumentQueryTests.JobNames), MemberType = typeof(TrendDocumentQueryTests))]
    public void The_incremental_plan_of_a_backfilled_hour_renders_the_documents_the_row_by_row_conversion_gives(string jobName)
    {
        var job = new EmbeddedTrendsJobCatalog().Get(jobName);
        var plan = JobPlan.For(job, [DateOnly.FromDateTime(Hour)]);
        var files = TrendDocumentQueryTests.InputFiles(Path.Combine(_directory, "snapshot"), _files, plan);
        Assert.Single(files);
        var expected = TrendDocumentQueryTests.RowByRow(plan, new DuckDbJobRunner().Run(job, files));
        var actual = new DuckDbJobRunner().RunDocuments(plan, files, TrendDocumentQueryTests.RunId, TrendDocumentQueryTests.ComputedAt).SelectMany(b => b).ToList();

        // time_to_close needs a close of an issue opened in the snapshot; one generated hour may hold none.
        if (job.Name != "time_to_close_monthly") Assert.NotEmpty(expected);
        TrendDocumentQueryTests.AssertSameDocuments(jobName, expected, actual);
    }
}
