using System.Text.Json.Nodes;
using System.Threading.Channels;
using Pipeline.Analytics.Planning;
using Pipeline.Storage;

namespace Pipeline.Analytics.Engines;

/// <summary>
/// Writes a job's result documents into its output collection: only rows of the periods the run recomputes, each under
/// <c>_id = job:key values</c>, so re-running a period replaces its documents and never duplicates them. The documents
/// arrive as JSON rendered by the engine (<see cref="TrendDocumentQuery"/>) in batches; each batch is one set-based
/// upsert, written while the engine reads the next.
/// </summary>
public sealed class TrendsResultWriter(IDocumentStore store)
{
    public const int BatchSize = 1000;

    /// <summary>How many read batches may wait for the store: the engine runs ahead of the writes by at most this much.</summary>
    private const int BatchesInFlight = 4;

    /// <summary>
    /// Upserts the batches as they are produced: <paramref name="batches"/> is enumerated on a worker thread (the engine's
    /// synchronous reader) while the store writes the previous batch. Returns the number of documents written.
    /// </summary>
    public async Task<int> WriteAsync(string collection, IEnumerable<IReadOnlyList<KeyValuePair<string, string>>> batches, CancellationToken ct = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var channel = Channel.CreateBounded<IReadOnlyList<KeyValuePair<string, string>>>(
            new BoundedChannelOptions(BatchesInFlight) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var batch in batches)
                {
                    await channel.Writer.WriteAsync(batch, stop.Token);
                }
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, CancellationToken.None);
        var written = 0;
        try
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(ct))
            {
                await store.UpsertManyJsonAsync(collection, batch, ct);
                written += batch.Count;
            }
        }
        catch
        {
            // A failed write stops the reader too (it may be waiting for room in the channel).
            await stop.CancelAsync();
            await producer;
            throw;
        }
        await producer;
        return written;
    }

    /// <summary>
    /// Writes the run's documents, then deletes the documents of the recomputed periods this run did not write: a key
    /// that no longer exists (a repository's events moving from <c>unknown</c> to the language learnt since) must not
    /// keep its old counts next to the new ones. Jobs without a period only upsert.
    /// </summary>
    internal async Task<int> ReplacePeriodsAsync(JobPlan plan, IEnumerable<IReadOnlyList<KeyValuePair<string, string>>> batches, string runId, CancellationToken ct = default)
    {
        var written = await WriteAsync(plan.Job.Output, batches, ct);
        if (plan.Job.PeriodColumn is { } column && plan.Periods.Count > 0)
        {
            foreach (var periods in plan.Periods.Order().Chunk(500))
            {
                await store.DeleteManyAsync(plan.Job.Output, DocumentQuery.Where(
                    new FieldFilter("job", FilterOp.Eq, JsonValue.Create(plan.Job.Name)),
                    new FieldFilter(column, FilterOp.In, new JsonArray(periods.Select(p => (JsonNode?)JsonValue.Create(Periods.Format(p))).ToArray())),
                    new FieldFilter("run_id", FilterOp.Ne, JsonValue.Create(runId))), ct);
            }
        }
        return written;
    }
}
