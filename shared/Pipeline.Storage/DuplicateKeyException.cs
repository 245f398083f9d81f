namespace Pipeline.Storage;

/// <summary>A write would break a unique index other than <c>_id</c> (which upsert and insert-if-absent handle themselves).</summary>
internal sealed class DuplicateKeyException(string message, Exception? inner = null) : Exception(message, inner);
