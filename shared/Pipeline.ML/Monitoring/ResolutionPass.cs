namespace Pipeline.ML.Monitoring;

/// <summary>One resolution pass over every pending prediction.</summary>
public sealed record ResolutionPass(int Scanned, int Resolved, int Expired, int StillPending);
