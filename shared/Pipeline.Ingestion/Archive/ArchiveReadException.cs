using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Pipeline.Domain;
using Pipeline.Domain.Normalization;

namespace Pipeline.Ingestion.Archive;

/// <summary>A file whose download or gzip stream was cut or corrupt: the file failed as a whole.</summary>
public sealed class ArchiveReadException(string message, Exception? inner = null) : IOException(message, inner);
