// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

public sealed record MlTestScoreSections
{
    public required SectionScore Data { get; init; }
    public required SectionScore Model { get; init; }
    public required SectionScore Infrastructure { get; init; }
    public required SectionScore Monitoring { get; init; }

    public IEnumerable<(string Key, SectionScore Section)> All()
    {
        yield return ("data", Data);
        yield return ("model", Model);
        yield return ("infrastructure", Infrastructure);
        yield return ("monitoring", Monitoring);
    }
}
