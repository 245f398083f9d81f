using System.Text.Json.Nodes;
using Pipeline.Domain;

namespace Pipeline.Storage.Events;

/// <summary>
/// A read model derived from events: which document an event touches (<see cref="KeyOf"/>) and how a group of events
/// folds into that document (<see cref="Apply"/>). Apply must be idempotent and independent of arrival order — applying an
/// event twice, or events in any order, gives the same document — because a crash between projecting and recording an
/// event makes the consumer apply it again, and GitHub, pollers and backfills deliver out of order.
/// </summary>
public interface IEventProjection
{
    string Collection { get; }

    /// <summary>The projected document's id for this event, or null when the event does not touch this projection.</summary>
    string? KeyOf(GitHubEvent e);

    /// <summary>The document after folding <paramref name="events"/> (all with key <paramref name="key"/>) into
    /// <paramref name="current"/> (null when absent; may be modified and returned).</summary>
    JsonObject Apply(string key, JsonObject? current, IReadOnlyList<GitHubEvent> events);
}
