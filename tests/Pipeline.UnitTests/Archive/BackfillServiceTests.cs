using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.Ingestion.Archive;
using Pipeline.Testing.GitHub;

namespace Pipeline.UnitTests.Archive;

public sealed class BackfillServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-archive-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static BackfillService Service(RecordingEventPublisher publisher, int batchSize = 5000) =>
        new(new GhArchiveReader(new HttpClient()), publisher, Options.Create(new BackfillOptions { BatchSize = batchSize }), NullLogger<BackfillService>.Instance);

    private sealed class ListProgress : IProgress<BackfillProgress>
    {
        public ConcurrentQueue<BackfillProgress> Reports { get; } = new();
        public void Report(BackfillProgress value) => Reports.Enqueue(value);
    }

    [Fact]
    public async Task Thirty_thousand_generated_events_are_published_exactly_once_in_batches_with_progress()
    {
        var archive = GhArchiveFileGenerator.Generate(Path.Combine(_dir, "2024-01-01-0.json.gz"), 30_000, seed: 7);
        var publisher = new RecordingEventPublisher();
        var batchSizes = new ConcurrentQueue<int>();
        publisher.BeforePublish = b => batchSizes.Enqueue(b.Count);
        var progress = new ListProgress();

        var result = await Service(publisher).ImportAsync([archive.Path], progress);

        Assert.Equal(30_000, result.Events);
        Assert.Equal(30_000, result.Lines);
        Assert.Equal(0, result.Errors);
        Assert.Equal(new FileInfo(archive.Path).Length, result.Bytes);
        Assert.Equal(archive.Ids.Order(), publisher.Events.Select(e => e.Id).Order());
        Assert.All(batchSizes, n => Assert.InRange(n, 1, 5000));
        Assert.Equal(6, batchSizes.Count);
        Assert.All(publisher.Events, e => Assert.Equal(EventSources.GhArchive, e.Source));
        foreach (var (type, count) in archive.CountsByType)
        {
            var webhookName = Pipeline.Domain.Normalization.GitHubEventTypes.FromEventsApiType(type);
            Assert.Equal(count, publisher.Events.Count(e => e.Type == webhookName));
        }
        var reports = progress.Reports.ToList();
        Assert.True(reports.Count >= 6, $"only {reports.Count} progress reports");
        Assert.Equal(reports.Select(r => r.Events).Order(), reports.Select(r => r.Events));
        Assert.Equal((1, 1, 30_000L), (reports[^1].FilesDone, reports[^1].FilesTotal, reports[^1].Events));
        Assert.True(reports[^1].EventsPerSecond > 0);
    }

    [Fact]
    public async Task Truncated_last_line_is_counted_as_one_error_and_every_whole_line_is_published()
    {
        var archive = GhArchiveFileGenerator.Generate(Path.Combine(_dir, "cut-line.json.gz"), 1200, truncateLastLine: true);
        var publisher = new RecordingEventPublisher();

        var result = await Service(publisher, batchSize: 500).ImportAsync([archive.Path]);

        Assert.Equal(1200, result.Events);
        Assert.Equal(1, result.Errors);
        Assert.Contains("truncated last line 1201", Assert.Single(result.ErrorSamples));
        Assert.Equal(1200, publisher.Events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task Gzip_stream_cut_short_fails_the_file_with_the_reason()
    {
        var path = Path.Combine(_dir, "cut-gzip.json.gz");
        GhArchiveFileGenerator.Generate(path, 5000);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 6 / 10)]);
        var publisher = new RecordingEventPublisher();

        var result = await Service(publisher).ImportAsync([path]);

        // A cut download is not a finished file: it fails (the orchestration retries it), with the reason.
        Assert.Equal(1, result.FailedFiles);
        Assert.Contains("truncated or corrupt", result.PerFile[0].Failure);
        Assert.Contains("cut-gzip.json.gz", result.PerFile[0].Failure);
    }

    [Fact]
    public async Task Corrupt_gzip_bytes_in_the_middle_fail_the_file()
    {
        var path = Path.Combine(_dir, "flipped.json.gz");
        GhArchiveFileGenerator.Generate(path, 5000);
        var bytes = await File.ReadAllBytesAsync(path);
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++) bytes[i] ^= 0x5A;
        await File.WriteAllBytesAsync(path, bytes);

        var result = await Service(new RecordingEventPublisher()).ImportAsync([path]);

        Assert.Equal(1, result.FailedFiles);
        Assert.NotNull(result.PerFile[0].Failure);
    }

    [Fact]
    public async Task A_corrupt_line_in_the_middle_of_a_gzip_file_is_counted_and_skipped_and_the_file_completes()
    {
        var plain = Path.Combine(_dir, "plain.json");
        GhArchiveFileGenerator.Generate(Path.Combine(_dir, "src.json.gz"), 1000, firstId: 1);
        await using (var input = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(_dir, "src.json.gz")), System.IO.Compression.CompressionMode.Decompress))
        await using (var output = File.Create(plain))
        {
            await input.CopyToAsync(output);
        }
        var lines = (await File.ReadAllLinesAsync(plain)).ToList();
        lines[500] = lines[500][..(lines[500].Length / 2)]; // a line cut in half, mid-file
        var path = Path.Combine(_dir, "mid-corrupt.json.gz");
        await using (var gz = new System.IO.Compression.GZipStream(File.Create(path), System.IO.Compression.CompressionLevel.Fastest))
        {
            await gz.WriteAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        }
        var publisher = new RecordingEventPublisher();

        var result = await Service(publisher).ImportAsync([path]);

        Assert.Equal(0, result.FailedFiles);
        Assert.Equal(1, result.Errors);
        Assert.Equal(999, result.Events);
        Assert.Contains(result.ErrorSamples, e => e.Contains("line 501: malformed JSON"));
    }

    [Fact]
    public async Task Filter_keeps_exactly_the_requested_repositories_of_fifty_and_counts_the_rest_as_skipped()
    {
        var archive = GhArchiveFileGenerator.Generate(Path.Combine(_dir, "fifty.json.gz"), 20_000, seed: 9, repos: 50);
        var publisher = new RecordingEventPublisher();
        var all = new RecordingEventPublisher();
        await Service(all).ImportAsync([archive.Path]);
        var repos = all.Events.Select(e => e.Repo).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        Assert.InRange(repos.Count, 45, 50);
        var wanted = new[] { repos[3], repos[17].ToUpperInvariant() }; // names compare case-insensitively
        var owner = repos[40].Split('/')[0];

        var result = await Service(publisher).ImportAsync([archive.Path], new BackfillFilter(Repos: wanted, Orgs: [owner]), null, null, CancellationToken.None);

        var expected = all.Events.Where(e => e.Repo.Equals(repos[3], StringComparison.OrdinalIgnoreCase) || e.Repo.Equals(repos[17], StringComparison.OrdinalIgnoreCase)
            || e.Repo.StartsWith(owner + "/", StringComparison.OrdinalIgnoreCase)).Select(e => e.Id).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, publisher.Events.Select(e => e.Id).Order());
        Assert.Equal(expected.Count, result.Events);
        Assert.Equal(20_000 - expected.Count, result.Skipped);

        var types = new RecordingEventPublisher();
        await Service(types).ImportAsync([archive.Path], new BackfillFilter(Types: ["WatchEvent", "issues"]), null, null, CancellationToken.None);
        Assert.Equal(all.Events.Count(e => e.Type is "watch" or "issues"), types.Events.Count);
        Assert.All(types.Events, e => Assert.Contains(e.Type, new[] { "watch", "issues" }));
    }

    [Fact]
    public async Task Bad_lines_in_a_plain_json_file_are_counted_with_line_numbers_and_skipped()
    {
        var path = Path.Combine(_dir, "mixed.json");
        var good = """{"id":"1","type":"WatchEvent","actor":{"login":"a"},"repo":{"name":"o/r"},"payload":{"action":"started"},"created_at":"2024-01-01T00:00:00Z"}""";
        await File.WriteAllTextAsync(path, string.Join('\n', good, "{not json", "", good.Replace("\"1\"", "\"2\""), """{"type":"PushEvent","created_at":"2024-01-01T00:00:00Z"}""", good.Replace("\"1\"", "\"3\"")) + "\n", Encoding.UTF8);
        var publisher = new RecordingEventPublisher();

        var result = await Service(publisher).ImportAsync([path]);

        Assert.Equal(["1", "2", "3"], publisher.Events.Select(e => e.Id));
        Assert.Equal(2, result.Errors);
        Assert.Contains(result.ErrorSamples, e => e.Contains("line 2: malformed JSON"));
        Assert.Contains(result.ErrorSamples, e => e.Contains("line 5: The archive event has no id"));
    }

    [Fact]
    public async Task Missing_file_is_reported_and_the_other_files_are_still_imported()
    {
        var a = GhArchiveFileGenerator.Generate(Path.Combine(_dir, "a.json.gz"), 100, firstId: 1);
        var b = GhArchiveFileGenerator.Generate(Path.Combine(_dir, "b.json.gz"), 150, firstId: 1000);
        var publisher = new RecordingEventPublisher();

        var result = await Service(publisher).ImportAsync([a.Path, Path.Combine(_dir, "missing.json.gz"), b.Path]);

        Assert.Equal(250, result.Events);
        Assert.Equal(1, result.FailedFiles);
        Assert.Contains("not found", result.PerFile[1].Failure);
        Assert.Equal([100L, 0L, 150L], result.PerFile.Select(f => f.Events));
    }

    [Fact]
    public async Task Publish_failure_stops_the_import_with_the_publisher_error()
    {
        var archive = GhArchiveFileGenerator.Generate(Path.Combine(_dir, "f.json.gz"), 3000);
        var publisher = new RecordingEventPublisher { FailNextCalls = 1 };

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Service(publisher, batchSize: 1000).ImportAsync([archive.Path]));
        Assert.Contains("simulated broker failure", ex.Message);
    }

    [Fact]
    public void Generator_is_deterministic_for_a_seed()
    {
        var a = Path.Combine(_dir, "s1.json.gz");
        var b = Path.Combine(_dir, "s2.json.gz");
        GhArchiveFileGenerator.Generate(a, 500, seed: 3);
        GhArchiveFileGenerator.Generate(b, 500, seed: 3);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }
}
