namespace Pipeline.ML.Training;

/// <summary>One forward-chaining fold: trained on rows up to <see cref="TrainTo"/>, validated on the next block.</summary>
public sealed record FoldInfo(int Fold, int TrainRows, int ValidRows, DateTime TrainTo, DateTime ValidFrom, DateTime ValidTo);
