using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Domain;
using Pipeline.Embedded;
using Pipeline.Storage;
using Pipeline.Testing.GitHub;
using Pipeline.Testing.Hosting;

namespace Pipeline.IntegrationTests.Hosting;

/// <summary>
/// Imports acknowledged end to end: the real local host (embedded Kafka mock cluster, PostgreSQL, Azurite, Durable Task sidecar)
/// is killed with SIGKILL in the middle of a 60,000-event backfill and restarted on the same data directory. The in-memory broker
/// loses whatever was published but not yet stored; because a file counts as done only when its events are in the store, the
/// restarted orchestration imports the unfinished files again (resuming at the first unfinished file, not from the start), ends
/// with its trend aggregation sub-orchestration, and the store holds every event exactly once. Between the two runs, the killed
/// host's watchdog stops the Azurite and PostgreSQL it left.
/// </summary>
[Collection(SerialHostTests.Name)]
public sealed class BackfillKillTests : IAsyncLifetime
{
    private const int Files = 6;
    private const int EventsPerFile = 10_000;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "pipeline-backfill-kill-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Kill_9_in_the_middle_of_a_60000_event_backfill_then_restart_stores_every_event_exactly_once()
    {
        // The files lie in <data directory>/imports: the default Backfill:AllowedRoots, no setting needed.
        var imports = Directory.CreateDirectory(Path.Combine(_dataDirectory, "imports")).FullName;
        var expectedIds = new HashSet<string>(StringComparer.Ordinal);
        var paths = new List<string>();
        for (var f = 0; f < Files; f++)
        {
            var archive = GhArchiveFileGenerator.Generate(Path.Combine(imports, $"2024-07-01-{f}.json.gz"), EventsPerFile, seed: 100 + f,
                hour: new DateTime(2024, 7, 1, f, 0, 0, DateTimeKind.Utc), firstId: 50_000_000_000 + (f * 100_000L));
            foreach (var id in archive.Ids) expectedIds.Add(id);
            paths.Add(archive.Path);
        }
        Assert.Equal(Files * EventsPerFile, expectedIds.Count);
        var settings = new Dictionary<string, string>
        {
            ["Backfill__ChunkFiles"] = "2",
            ["Backfill__MaxParallelFiles"] = "2",
            ["Backfill__BatchSize"] = "1000",
        };

        // The management URLs name the host that answered; the restarted host listens on another port, so the test keeps the
        // path and asks whichever host is up.
        string statusPath;
        string instanceId;
        JsonElement atKill;
        int azuritePid, postmasterPid;
        await using (var first = await LocalHostProcess.StartAsync(_dataDirectory, settings))
        {
            using var start = await first.Http.PostAsJsonAsync("/api/backfill", new { files = paths });
            Assert.True(start.StatusCode == HttpStatusCode.Accepted, $"{start.StatusCode}: {await start.Content.ReadAsStringAsync()}");
            var accepted = await start.Content.ReadFromJsonAsync<JsonElement>();
            instanceId = accepted.GetProperty("id").GetString()!;
            statusPath = new Uri(accepted.GetProperty("statusQueryGetUri").GetString()!).PathAndQuery;
            // Kill once some files are done but not all: mid-import, with events published and not yet stored.
            atKill = await WaitForAsync(first, statusPath, s => FilesDone(s) >= 1, TimeSpan.FromMinutes(4), s => s);
            Assert.InRange(FilesDone(atKill), 1, Files - 1);
            azuritePid = FirstNumberIn(Path.Combine(_dataDirectory, "azurite", "azurite.pid"));
            postmasterPid = FirstNumberIn(Path.Combine(_dataDirectory, "postgres", "data", "postmaster.pid"));
            await first.KillHardAsync();
        }

        // Nothing of the killed host lives on: its watchdog stops the Azurite and PostgreSQL it left, without a restart.
        // (The watchdog removes its pid file when it is done.)
        await WaitUntilAsync(() => !IsRunning(azuritePid) && !IsRunning(postmasterPid) && !File.Exists(Path.Combine(_dataDirectory, "watchdog.pid")),
            TimeSpan.FromSeconds(60), $"Azurite (pid {azuritePid}) or PostgreSQL (pid {postmasterPid}) of the killed host, or its watchdog, still running");
        var watchdogLog = await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "watchdog.log"));
        Assert.Contains($"stopped Azurite (pid {azuritePid}) with SIGTERM", watchdogLog, StringComparison.Ordinal);
        Assert.Contains("stopped PostgreSQL", watchdogLog, StringComparison.Ordinal);

        // What was done before the kill (confirmed in the store) and what was not even started yet.
        var status = atKill.GetProperty("customStatus");
        var running = status.GetProperty("running").EnumerateArray().Select(r => r.GetString()!).ToHashSet(StringComparer.Ordinal);
        var launched = FilesDone(atKill) + running.Count;
        var doneBeforeKill = paths.Take(launched).Where(p => !running.Contains(p)).ToList();
        var notStartedBeforeKill = paths.Skip(launched).ToList();

        JsonElement final;
        await using (var second = await LocalHostProcess.StartAsync(_dataDirectory, settings))
        {
            // The log says what the restarted host found and what was cleaned up.
            var startLog = second.LogTail(400);
            Assert.Contains("did not stop cleanly", startLog, StringComparison.Ordinal);
            Assert.Contains("Watchdog: ", startLog, StringComparison.Ordinal);

            // Completed: every file done (each confirmed in the store), then the trend aggregation sub-orchestration.
            final = await WaitForAsync(second, statusPath, s => s.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed" or "Terminated",
                TimeSpan.FromMinutes(4), s => s);
            Assert.True(final.GetProperty("runtimeStatus").GetString() == "Completed", final.ToString());
            var output = final.GetProperty("output");
            Assert.Equal(Files, output.GetProperty("files").GetInt32());
            Assert.Equal(0, output.GetProperty("failedFiles").GetInt32());
            Assert.Equal(Files * EventsPerFile, output.GetProperty("events").GetInt64());
            Assert.Equal($"{instanceId}-aggregate: completed", output.GetProperty("aggregation").GetString());

            // The aggregation ran after the resumed import, as its own durable instance, and completed.
            using var aggregation = await second.Http.GetAsync($"/api/jobs/aggregate/{instanceId}-aggregate");
            var aggregationBody = await aggregation.Content.ReadAsStringAsync();
            Assert.True(aggregation.StatusCode == HttpStatusCode.OK, $"{aggregation.StatusCode}: {aggregationBody}");
            Assert.Equal("Completed", JsonDocument.Parse(aggregationBody).RootElement.GetProperty("runtimeStatus").GetString());

            // Resumed, not restarted: the restarted host imports none of the files done before the kill, and every file that had
            // not started.
            var log = second.LogTail(5_000);
            var importedAfterRestart = paths.Where(p => log.Contains($"Backfill file {p}: all ", StringComparison.Ordinal)).ToList();
            // Activities are delivered at least once (DurableTask.AzureStorage deletes an activity's message after it has sent
            // the result, so a kill in between runs it again): at most the files in flight at the kill can be imported twice,
            // a restart from scratch would import every done file again. The store count below proves none is stored twice.
            var doneAndImportedAgain = importedAfterRestart.Intersect(doneBeforeKill).ToList();
            Assert.True(doneAndImportedAgain.Count <= int.Parse(settings["Backfill__MaxParallelFiles"], System.Globalization.CultureInfo.InvariantCulture),
                $"files done before the kill and imported again: {string.Join(", ", doneAndImportedAgain)} (done before: {doneBeforeKill.Count})");
            Assert.Subset(importedAfterRestart.ToHashSet(), notStartedBeforeKill.ToHashSet());
            Assert.NotEmpty(importedAfterRestart);
            await second.StopGracefullyAsync(TimeSpan.FromSeconds(60));
        }

        // Count in the store itself, not through the pipeline's own bookkeeping.
        await using var postgres = await EmbeddedPostgres.StartAsync(Path.Combine(_dataDirectory, "postgres"));
        var store = StoreServiceCollectionExtensions.CreateStore(new StoreOptions { PostgresConnectionString = postgres.ConnectionString });
        Assert.Equal(Files * EventsPerFile, await store.CountAsync(Collections.Events));
        var stored = await store.FindAsync(Collections.Events, new DocumentQuery { Fields = [DocumentJson.IdField], Limit = 1_000_000 });
        var storedIds = stored.Select(d => d[DocumentJson.IdField]!.GetValue<string>()).ToList();
        Assert.Equal(storedIds.Count, storedIds.Distinct(StringComparer.Ordinal).Count());
        Assert.True(expectedIds.SetEquals(storedIds), "the store does not hold exactly the backfilled events");
    }

    private static int FirstNumberIn(string path) =>
        int.Parse(File.ReadLines(path).First().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Running and not a zombie (/proc/pid/stat state).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(failure);
            await Task.Delay(200);
        }
    }

    private static int FilesDone(JsonElement status) =>
        status.TryGetProperty("customStatus", out var p) && p.ValueKind == JsonValueKind.Object ? p.GetProperty("filesDone").GetInt32() : 0;

    private static async Task<T> WaitForAsync<T>(LocalHostProcess host, string statusPath, Func<JsonElement, bool> done, TimeSpan timeout, Func<JsonElement, T> select)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await host.Http.GetAsync(statusPath);
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Accepted)
                {
                    var status = JsonDocument.Parse(last).RootElement.Clone();
                    if (done(status)) return select(status);
                }
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"backfill status not reached within {timeout}: {last}{Environment.NewLine}{host.LogTail()}");
    }
}
