namespace Pipeline.Notifications;

/// <summary>Section <c>Alerts:Email</c>: one switch per <see cref="NotificationKind"/>.</summary>
public sealed class EmailKindsOptions
{
    public bool Drift { get; set; } = true;
    public bool GateRejected { get; set; } = true;
    public bool BackfillCompleted { get; set; } = true;
    public bool RetrainCompleted { get; set; } = true;

    public bool IsEnabled(NotificationKind kind) => kind switch
    {
        NotificationKind.Drift => Drift,
        NotificationKind.GateRejected => GateRejected,
        NotificationKind.BackfillCompleted => BackfillCompleted,
        NotificationKind.RetrainCompleted => RetrainCompleted,
        _ => false,
    };
}
