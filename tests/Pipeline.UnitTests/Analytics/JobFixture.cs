using Pipeline.Analytics.Seed;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.UnitTests.Analytics;

/// <summary>
/// Fixture events written once as a Parquet snapshot: three calendar years of generated history plus hand-made edge
/// cases (unknown language, a reopened and closed-again issue, a close before open, events on week/year boundaries).
/// </summary>
public sealed class JobFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 3, 18, 15, 30, 0, TimeSpan.Zero);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "pipeline-jobs-" + Guid.NewGuid().ToString("N"));
    internal List<EventRow> Rows { get; } = [];
    public IReadOnlyList<string> Files { get; private set; } = [];

    /// <summary>The snapshot's repositories table: a repository's latest known language and display name.</summary>
    public List<(string RepoKey, string Repo, string? Language)> Repositories { get; } =
    [
        ("edge/cased", "Edge/Cased", "Elixir"),
        ("nolang/repo", "nolang/repo", null),
    ];

    public string RepositoriesFile => Path.Combine(Directory, SnapshotLayout.RepositoriesTable);

    public async Task InitializeAsync()
    {
        Rows.AddRange(SeedDataGenerator.GenerateRows(new SeedOptions { Now = Now, Scale = 0.6, NewRepositoriesPerDay = 0.2 }));
        Rows.AddRange(EdgeCases());
        var storage = new LocalDirectorySnapshotStorage(Directory);
        await SnapshotExporter.WriteRowsAsync(storage, Rows);
        Files = (await storage.ListAsync(SnapshotLayout.EventsPrefix)).Select(n => Path.Combine(Directory, n)).ToList();
        using var table = new MemoryStream();
        await RepositoryParquet.WriteAsync(table, Repositories);
        table.Position = 0;
        await storage.UploadAsync(SnapshotLayout.RepositoriesTable, table);
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    private static IEnumerable<EventRow> EdgeCases()
    {
        DateTime T(int y, int m, int d, int h = 12) => new(y, m, d, h, 0, 0, DateTimeKind.Utc);
        // No language anywhere for this repository: counted in activity, left out of language rows.
        yield return new EventRow { Id = "edge-1", Type = "watch", Action = "started", Repo = "nolang/repo", Actor = "u1", CreatedAt = T(2025, 12, 29, 0) };
        yield return new EventRow { Id = "edge-2", Type = "push", Repo = "nolang/repo", Actor = null, CreatedAt = T(2026, 1, 1, 23) };
        // Reopened issue closed twice: two close events, each counted.
        yield return new EventRow
        {
            Id = "edge-3",
            Type = "issues",
            Action = "closed",
            Repo = "nolang/repo",
            Actor = "u2",
            CreatedAt = T(2026, 1, 5),
            Number = 7,
            ItemCreatedAt = T(2025, 12, 1),
            ItemClosedAt = T(2026, 1, 5)
        };
        yield return new EventRow
        {
            Id = "edge-4",
            Type = "issues",
            Action = "closed",
            Repo = "nolang/repo",
            Actor = "u2",
            CreatedAt = T(2026, 1, 20),
            Number = 7,
            ItemCreatedAt = T(2025, 12, 1),
            ItemClosedAt = T(2026, 1, 20)
        };
        // Closed before it was opened (clock skew in a payload): ignored by time-to-close.
        yield return new EventRow
        {
            Id = "edge-5",
            Type = "pull_request",
            Action = "closed",
            Repo = "nolang/repo",
            Actor = "u3",
            CreatedAt = T(2026, 1, 21),
            Number = 8,
            ItemCreatedAt = T(2026, 1, 22),
            ItemClosedAt = T(2026, 1, 21),
            Merged = true
        };
        // Close event without times: ignored by time-to-close, still an event.
        yield return new EventRow { Id = "edge-6", Type = "issues", Action = "closed", Repo = "nolang/repo", Actor = "u3", CreatedAt = T(2026, 2, 2), Number = 9 };
        // One repository in two casings, its language only in the repositories table; one activity from two sources
        // (same activity key) counts once; a first response by the author does not count, the next one does.
        yield return new EventRow { Id = "edge-8", Type = "watch", Action = "started", Repo = "Edge/Cased", Actor = "Fan", CreatedAt = T(2026, 2, 3), ActivityKey = "star:edge/cased:fan" };
        yield return new EventRow { Id = "delivery:edge-9", Type = "star", Action = "created", Repo = "edge/cased", Actor = "fan", CreatedAt = T(2026, 2, 3, 13), ActivityKey = "star:edge/cased:fan" };
        yield return new EventRow
        {
            Id = "edge-10",
            Type = "issues",
            Action = "opened",
            Repo = "EDGE/cased",
            Actor = "Opener",
            CreatedAt = T(2026, 2, 4),
            Number = 3,
            ItemCreatedAt = T(2026, 2, 4),
            ItemAuthor = "Opener",
            ItemKind = "issue",
            ActivityKey = "issues:edge/cased#3:opened",
        };
        yield return new EventRow
        {
            Id = "delivery:edge-11",
            Type = "issues",
            Action = "opened",
            Repo = "Edge/Cased",
            Actor = "opener",
            CreatedAt = T(2026, 2, 4),
            Number = 3,
            ItemCreatedAt = T(2026, 2, 4),
            ItemAuthor = "opener",
            ItemKind = "issue",
            ActivityKey = "issues:edge/cased#3:opened",
        };
        yield return new EventRow
        {
            Id = "edge-12",
            Type = "issue_comment",
            Action = "created",
            Repo = "Edge/Cased",
            Actor = "OPENER",
            CreatedAt = T(2026, 2, 4, 13),
            Number = 3,
            ItemCreatedAt = T(2026, 2, 4),
            ItemAuthor = "Opener",
            ItemKind = "issue",
        };
        yield return new EventRow
        {
            Id = "edge-13",
            Type = "issue_comment",
            Action = "created",
            Repo = "Edge/Cased",
            Actor = "helper",
            CreatedAt = T(2026, 2, 5, 14),
            Number = 3,
            ItemCreatedAt = T(2026, 2, 4),
            ItemAuthor = "Opener",
            ItemKind = "issue",
        };
        // A comment on a pull request is not an issue response.
        yield return new EventRow
        {
            Id = "edge-14",
            Type = "issue_comment",
            Action = "created",
            Repo = "Edge/Cased",
            Actor = "helper",
            CreatedAt = T(2026, 2, 5, 15),
            Number = 4,
            ItemCreatedAt = T(2026, 2, 4),
            ItemAuthor = "Opener",
            ItemKind = "pr",
        };
        // Last second of a year.
        yield return new EventRow { Id = "edge-7", Type = "fork", Repo = "nolang/repo", Actor = "u4", CreatedAt = new DateTime(2024, 12, 31, 23, 59, 59, DateTimeKind.Utc) };
    }
}
