// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

public sealed record MlTestScoreReport
{
    public required MlTestScoreSections Sections { get; init; }
    /// <summary>Minimum of the four section scores (Breck et al. 2017).</summary>
    public double Final { get; init; }
    /// <summary>The paper's interpretation of <see cref="Final"/> (Table V).</summary>
    public required string Band { get; init; }
    /// <summary>Which CI systems were found and whether they run tests, the basis of "automated" points.</summary>
    public required CiSummary Ci { get; init; }
}
