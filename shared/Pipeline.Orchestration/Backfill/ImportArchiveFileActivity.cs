using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.Ingestion.Archive;
using Pipeline.Storage;

namespace Pipeline.Orchestration.Backfill;

/// <summary>
/// Imports one GH Archive file, then, when the host has a store (and <c>Backfill:ConfirmStored</c>), waits until every event it
/// published is in the <c>events</c> collection: only then is the file done, so a host killed after publishing but before the
/// consumer stored the events replays the file. Throws when the file is not allowed, cannot be read, is cut or corrupt, or its
/// events are not stored within <c>Backfill:StoreWaitTimeout</c>, so the orchestrator's retry policy applies.
/// </summary>
public sealed partial class ImportArchiveFileActivity(
    BackfillService backfill, IOptions<BackfillOptions> options, ILogger<ImportArchiveFileActivity> logger, IDocumentStore? store = null)
    : PipelineActivity<ImportArchiveFileInput, BackfillFileResult>
{
    private const int LookupChunk = 5000;

    public override async Task<BackfillFileResult> ExecuteAsync(ImportArchiveFileInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = options.Value;
        // The API checked the request; this guards orchestrations started any other way.
        if (o.Refusal(input.Source) is { } refusal) throw new UnauthorizedAccessException(refusal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var result = await backfill.ImportAsync([input.Source], input.Filter, ids, null, CancellationToken.None).ConfigureAwait(false);
        var file = result.PerFile.Single();
        if (file.Failure is not null) throw new IOException($"{input.Source}: {file.Failure}");
        if (store is not null && o.ConfirmStored && ids.Count > 0) await WaitStoredAsync(input.Source, ids, o.StoreWaitTimeout).ConfigureAwait(false);
        return file;
    }

    private async Task WaitStoredAsync(string source, HashSet<string> ids, TimeSpan timeout)
    {
        var pending = ids.ToList();
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            var missing = new List<string>();
            for (var i = 0; i < pending.Count; i += LookupChunk)
            {
                var chunk = pending.GetRange(i, Math.Min(LookupChunk, pending.Count - i));
                var found = await store!.FindAsync(Collections.Events, new DocumentQuery
                {
                    Filters = [Filter.In(DocumentJson.IdField, chunk)],
                    Fields = [DocumentJson.IdField],
                }).ConfigureAwait(false);
                var stored = found.Select(d => d[DocumentJson.IdField]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
                missing.AddRange(chunk.Where(id => !stored.Contains(id)));
            }
            if (missing.Count == 0)
            {
                LogStored(logger, source, ids.Count);
                return;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{source}: {missing.Count:N0} of {ids.Count:N0} published events were not in the store after {timeout} " +
                    "(is the consumer running? events it could not store are on the dead-letter topic)");
            }
            pending = missing;
            await Task.Delay(delay).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(2000, delay.TotalMilliseconds * 1.5));
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Backfill file {Source}: all {Count} published events are in the store")]
    private static partial void LogStored(ILogger logger, string source, int count);
}
