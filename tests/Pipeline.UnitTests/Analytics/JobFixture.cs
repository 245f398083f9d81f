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
    public List<EventRow> Rows { get; } = [];
    public IReadOnlyList<string> Files { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Rows.AddRange(SeedDataGenerator.GenerateRows(new SeedOptions { Now = Now, Scale = 0.6, NewRepositoriesPerDay = 0.2 }));
        Rows.AddRange(EdgeCases());
        var storage = new LocalDirectorySnapshotStorage(Directory);
        await SnapshotExporter.WriteRowsAsync(storage, Rows);
        Files = (await storage.ListAsync(SnapshotLayout.EventsPrefix)).Select(n => Path.Combine(Directory, n)).ToList();
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
        // Last second of a year.
        yield return new EventRow { Id = "edge-7", Type = "fork", Repo = "nolang/repo", Actor = "u4", CreatedAt = new DateTime(2024, 12, 31, 23, 59, 59, DateTimeKind.Utc) };
    }
}
