using Microsoft.Extensions.Logging;
using Pipeline.Domain;
using Pipeline.ML.Serving;
using Pipeline.Storage;

namespace Pipeline.Api;

/// <summary>
/// The consumer's sink with the ML tie-in: after a batch is stored, every newly opened issue in it gets a prediction logged
/// (Ml:LogPredictionsForOpenedIssues), so predictions exist before the ground truth arrives. Prediction ids are deterministic
/// per model version and issue, so a redelivered batch logs nothing twice; a prediction failure never fails the store write.
/// </summary>
public sealed class PredictingEventSink(IEventSink inner, PredictionService predictions, ILogger<PredictingEventSink> logger) : IEventSink
{
    public async Task<int> WriteAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default)
    {
        var written = await inner.WriteAsync(events, ct);
        foreach (var evt in events)
        {
            if (evt.Type != "issues" || evt.Action != "opened")
            {
                continue;
            }
            try
            {
                await predictions.OnIssueOpenedAsync(evt, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not log a prediction for opened issue event {EventId}", evt.Id);
            }
        }
        return written;
    }
}
