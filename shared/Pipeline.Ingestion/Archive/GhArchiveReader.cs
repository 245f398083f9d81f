using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Pipeline.Domain;
using Pipeline.Domain.Normalization;

namespace Pipeline.Ingestion.Archive;

/// <summary>One line of a GH Archive file: the normalised event, or the reason it could not be read.</summary>
public readonly record struct ArchiveRecord(long LineNumber, GitHubEvent? Event, string? Error);

/// <summary>Counters of one file being read, updated as it streams (read by progress reporting).</summary>
public sealed class ArchiveReadCounters
{
    public long Lines;
    public long Errors;

    /// <summary>Bytes read from the source (compressed bytes for .gz).</summary>
    public long Bytes;
}

/// <summary>
/// Streams an hourly GH Archive file (<c>YYYY-MM-DD-H.json.gz</c>: gzip of one Events API JSON object per line) from a
/// local path or an HTTP(S) URL: a GZipStream over the file/response stream, read line by line through a pipe, so memory
/// stays at a few buffers whatever the file size. A line that is not a valid event (bad JSON, missing id/type/created_at),
/// and a truncated last line or gzip stream, becomes an <see cref="ArchiveRecord"/> with an error instead of stopping the import.
/// Files not ending in <c>.gz</c> are read as plain JSON lines.
/// </summary>
public sealed class GhArchiveReader(HttpClient http, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public static bool IsUrl(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public async IAsyncEnumerable<ArchiveRecord> ReadAsync(string source, ArchiveReadCounters counters, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        using var response = IsUrl(source) ? await OpenUrlAsync(source, ct).ConfigureAwait(false) : null;
        await using var raw = response is not null
            ? await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false)
            : OpenFile(source);
        await using var counted = new CountingReadStream(raw, counters);
        var gz = IsGzip(source, response);
        await using Stream decoded = gz ? new GZipStream(counted, CompressionMode.Decompress) : counted;
        var reader = PipeReader.Create(decoded, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        var lineNumber = 0L;
        var receivedAt = _time.GetUtcNow();
        try
        {
            while (true)
            {
                ReadResult read;
                string? streamError = null;
                try
                {
                    read = await reader.ReadAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException or HttpRequestException)
                {
                    streamError = $"{source}: the stream ended abnormally after line {lineNumber} ({ex.GetType().Name}: {ex.Message})";
                    read = default;
                }
                if (streamError is not null)
                {
                    Interlocked.Increment(ref counters.Errors);
                    yield return new ArchiveRecord(lineNumber + 1, null, streamError);
                    yield break;
                }

                var buffer = read.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    lineNumber++;
                    if (IsBlank(line)) continue;
                    yield return Parse(line, lineNumber, counters, receivedAt, source);
                }
                if (read.IsCompleted)
                {
                    if (!buffer.IsEmpty && !IsBlank(buffer))
                    {
                        // A last line without a newline: whole if it parses, otherwise the file was cut short.
                        lineNumber++;
                        var last = Parse(buffer, lineNumber, counters, receivedAt, source);
                        yield return last.Error is null ? last : last with { Error = $"{source}: truncated last line {lineNumber}: {last.Error}" };
                    }
                    reader.AdvanceTo(buffer.End);
                    break;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static ArchiveRecord Parse(ReadOnlySequence<byte> line, long lineNumber, ArchiveReadCounters counters, DateTimeOffset receivedAt, string source)
    {
        Interlocked.Increment(ref counters.Lines);
        // Copy the line into its own array: the event's payload points into it (no second copy), and the pipe's
        // buffers are reused for the next lines.
        var bytes = line.ToArray();
        if (lineNumber == 1 && bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        try
        {
            var doc = JsonDocument.Parse(bytes);
            return new ArchiveRecord(lineNumber, GitHubEventNormalizer.FromArchiveEvent(doc.RootElement, receivedAt), null);
        }
        catch (JsonException ex)
        {
            Interlocked.Increment(ref counters.Errors);
            return new ArchiveRecord(lineNumber, null, $"{source}: line {lineNumber}: malformed JSON at byte {ex.BytePositionInLine + 1}: {ex.Message}");
        }
        catch (MalformedGitHubEventException ex)
        {
            Interlocked.Increment(ref counters.Errors);
            return new ArchiveRecord(lineNumber, null, $"{source}: line {lineNumber}: {ex.Message}");
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var position = buffer.PositionOf((byte)'\n');
        if (position is null)
        {
            line = default;
            return false;
        }
        line = buffer.Slice(0, position.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
        return true;
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\r' or (byte)'\t')) return false;
            }
        }
        return true;
    }

    private static bool IsGzip(string source, HttpResponseMessage? response)
    {
        var path = response?.RequestMessage?.RequestUri?.AbsolutePath ?? source;
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            || response?.Content.Headers.ContentType?.MediaType is "application/gzip" or "application/x-gzip";
    }

    private static FileStream OpenFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"GH Archive file not found: {path}", path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }

    private async Task<HttpResponseMessage> OpenUrlAsync(string url, CancellationToken ct)
    {
        var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new HttpRequestException($"GET {url} answered {status}", null, (System.Net.HttpStatusCode)status);
        }
        return response;
    }

    private sealed class CountingReadStream(Stream inner, ArchiveReadCounters counters) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Interlocked.Read(ref counters.Bytes); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int n)
        {
            Interlocked.Add(ref counters.Bytes, n);
            return n;
        }
    }
}
