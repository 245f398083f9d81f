using Microsoft.Extensions.Logging;
using Pipeline.Domain;
using Pipeline.Ingestion.Consumer;

namespace Pipeline.ML.Serving;

/// <summary>
/// The consumer's ML subscriber: after a batch is stored, every newly opened issue in it gets a prediction logged
/// (Ml:LogPredictionsForOpenedIssues), so predictions exist before the ground truth arrives. Prediction ids are deterministic
/// per model version and issue, so a redelivered batch logs nothing twice; a prediction failure never fails the store write.
/// Registered by <see cref="PredictionBatchHandlerRegistration.AddPipelinePredictionLogging"/>.
/// </summary>
internal sealed partial class PredictionBatchHandler(PredictionService predictions, ILogger<PredictionBatchHandler> logger) : IEventBatchHandler
{
    public string Name => "predictions";

    public async Task HandleAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct)
    {
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
                LogPredictionFailed(logger, ex, evt.Id);
            }
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Could not log a prediction for opened issue event {EventId}")]
    private static partial void LogPredictionFailed(ILogger logger, Exception ex, string eventId);
}
