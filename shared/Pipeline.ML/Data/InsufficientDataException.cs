namespace Pipeline.ML.Data;

/// <summary>The store has too few usable rows for a model and <c>Ml:AllowSyntheticData</c> is false.</summary>
internal sealed class InsufficientDataException(string message) : InvalidOperationException(message);
