namespace Pipeline.Ingestion.Archive;

/// <summary>A file whose download or gzip stream was cut or corrupt: the file failed as a whole.</summary>
internal sealed class ArchiveReadException(string message, Exception? inner = null) : IOException(message, inner);
