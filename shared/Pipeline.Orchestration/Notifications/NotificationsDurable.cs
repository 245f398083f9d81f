namespace Pipeline.Orchestration.Notifications;

/// <summary>The administrator notification activity, declared once (see <see cref="PipelineDurable"/>).</summary>
internal static class NotificationsDurable
{
    public static IReadOnlyList<DurableTaskDeclaration> Tasks { get; } =
    [
        DurableTaskDeclaration.Activity<NotifyAdministratorActivity>(),
    ];
}
