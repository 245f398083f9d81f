namespace Pipeline.Notifications;

/// <summary>What a notification is about; each kind can be switched on or off for e-mail (<c>Alerts:Email:*</c>).</summary>
public enum NotificationKind
{
    /// <summary>A monitoring incident: data, prediction or concept drift, or degraded live metrics.</summary>
    Drift,

    /// <summary>The evaluation gate kept the champion and rejected a challenger (or flagged a champion below the floors).</summary>
    GateRejected,

    /// <summary>A backfill run ended (completed or failed).</summary>
    BackfillCompleted,

    /// <summary>A retraining run ended (promoted, rejected or failed).</summary>
    RetrainCompleted,
}
