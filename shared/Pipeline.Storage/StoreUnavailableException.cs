namespace Pipeline.Storage;

/// <summary>The store is unreachable or refused the operation transiently; callers pause and retry without losing data.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
