namespace Pipeline.Orchestration;

/// <summary>Orchestrator or activity.</summary>
public enum DurableTaskKind
{
    Orchestrator,
    Activity,
}
