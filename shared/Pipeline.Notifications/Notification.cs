namespace Pipeline.Notifications;

/// <summary>One message for the administrator: a subject line, the facts as lines, and where it came from.</summary>
/// <param name="Kind">What it is about; decides whether it is e-mailed (<see cref="AlertsOptions"/>).</param>
/// <param name="Subject">One line, without the "[Pipeline]" prefix the e-mail adds.</param>
/// <param name="Lines">The body, one fact per line (metrics, reasons, instance ids).</param>
/// <param name="Severity">info, warning or critical.</param>
/// <param name="At">When it happened (the orchestration's time, so replays produce the same message).</param>
public sealed record Notification(NotificationKind Kind, string Subject, IReadOnlyList<string> Lines, string Severity, DateTime At);
