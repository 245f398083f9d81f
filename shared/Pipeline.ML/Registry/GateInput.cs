namespace Pipeline.ML.Registry;

/// <summary>What the gate compares: candidate, baseline and champion metrics on one test set, and where each model's data
/// came from. <see cref="ChampionSource"/> is set whenever a champion exists; <see cref="Champion"/> (its metrics on this
/// test set) may be null when it was not re-scored.</summary>
internal sealed record GateInput(
    string ModelName,
    IReadOnlyDictionary<string, double> Candidate,
    string CandidateSource,
    IReadOnlyDictionary<string, double>? Baseline,
    IReadOnlyDictionary<string, double>? Champion,
    string? ChampionSource);
