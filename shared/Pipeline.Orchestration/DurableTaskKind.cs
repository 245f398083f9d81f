namespace Pipeline.Orchestration;

/// <summary>Orchestrator or activity.</summary>
internal enum DurableTaskKind
{
    Orchestrator,
    Activity,
}
