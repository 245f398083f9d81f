using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Pipeline.Domain.Normalization;

namespace Pipeline.Ingestion.Archive;

/// <summary>
/// Streams an hourly GH Archive file (<c>YYYY-MM-DD-H.json.gz</c>: gzip of one Events API JSON object per line) from a
/// local path or an HTTP(S) URL: a GZipStream over the file/response stream, read line by line through a pipe, so memory
/// stays at a few buffers whatever the file size. A line that is not a valid event (bad JSON, missing id/type/created_at, a
/// truncated last line) becomes an <see cref="ArchiveRecord"/> with an error and the file goes on; an HTTP answer other than 200,
/// or a download or gzip stream that ends abnormally, throws (<see cref="HttpRequestException"/>, <see cref="ArchiveReadException"/>):
/// the file failed and must be read again.
/// Files not ending in <c>.gz</c> are read as plain JSON lines.
/// </summary>
public sealed class GhArchiveReader(HttpClient http, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public static bool IsUrl(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    internal async IAsyncEnumerable<ArchiveRecord> ReadAsync(string source, ArchiveReadCounters counters, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        using var response = IsUrl(source) ? await OpenUrlAsync(source, ct).ConfigureAwait(false) : null;
        await using var raw = response is not null
            ? await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false)
            : OpenFile(source);
        await using var counted = new CountingReadStream(raw, counters);
        var gz = IsGzip(source, response);
        // .NET's GZipStream ends quietly when the input stops mid-stream: check the gzip trailer (CRC-32 and length of the
        // decompressed data) at the end, so a cut or corrupted download fails instead of passing as a shorter file.
        await using var check = gz ? new GzipTrailerCheck(new GZipStream(counted, CompressionMode.Decompress), counted) : null;
        Stream decoded = check is not null ? check : counted;
        var reader = PipeReader.Create(decoded, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        var lineNumber = 0L;
        var receivedAt = _time.GetUtcNow();
        try
        {
            while (true)
            {
                ReadResult read;
                try
                {
                    read = await reader.ReadAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException or HttpRequestException)
                {
                    // A cut download or a corrupt gzip stream fails the whole file (the durable retry then reads it again).
                    throw new ArchiveReadException($"{source}: the stream ended abnormally after line {lineNumber} ({ex.GetType().Name}: {ex.Message})", ex);
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
                    if (check?.Problem() is { } problem) throw new ArchiveReadException($"{source}: the gzip stream is truncated or corrupt after line {lineNumber} ({problem})");
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
        // Only 200 is a file: a 404 is not "an empty hour", and a redirect (never followed) may point anywhere.
        if (response.StatusCode != System.Net.HttpStatusCode.OK)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new HttpRequestException($"GET {url} answered {status}", null, (System.Net.HttpStatusCode)status);
        }
        return response;
    }

    private sealed class CountingReadStream(Stream inner, ArchiveReadCounters counters) : Stream
    {
        private readonly byte[] _tail = new byte[8];
        private int _tailLength;

        /// <summary>The last 8 bytes read (the gzip trailer once the stream is at its end).</summary>
        public ReadOnlySpan<byte> Tail => _tail.AsSpan(0, _tailLength);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Interlocked.Read(ref counters.Bytes); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count), buffer.AsSpan(offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Count(n, buffer.Span);
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int n, ReadOnlySpan<byte> data)
        {
            Interlocked.Add(ref counters.Bytes, n);
            if (n >= 8)
            {
                data[(n - 8)..n].CopyTo(_tail);
                _tailLength = 8;
            }
            else if (n > 0)
            {
                var keep = Math.Min(_tailLength, 8 - n);
                _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
                data[..n].CopyTo(_tail.AsSpan(keep));
                _tailLength = keep + n;
            }
            return n;
        }
    }

    /// <summary>Decompressed bytes pass through; CRC-32 and length are kept to compare with the gzip trailer at the end.
    /// Checks single-member files (what GH Archive serves); a concatenated multi-member file fails the check.</summary>
    private sealed class GzipTrailerCheck(GZipStream inner, CountingReadStream raw) : Stream
    {
        private static readonly uint[] Table = BuildTable();
        private uint _crc = 0xFFFFFFFF;
        private long _length;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Update(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Update(buffer.Span[..n]);
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        /// <summary>Null when the trailer matches what was decompressed, else what differs.</summary>
        public string? Problem()
        {
            var tail = raw.Tail;
            if (tail.Length < 8) return "no gzip trailer";
            var crc = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail);
            var size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]);
            var actualCrc = ~_crc;
            if (size != (uint)_length) return $"{_length} bytes decompressed, the trailer says {size} (mod 2^32)";
            return crc != actualCrc ? $"CRC-32 {actualCrc:x8}, the trailer says {crc:x8}" : null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        private int Update(ReadOnlySpan<byte> data)
        {
            var crc = _crc;
            foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            _crc = crc;
            _length += data.Length;
            return data.Length;
        }

        private static uint[] BuildTable()
        {
            var table = new uint[256];
            for (uint i = 0; i < 256; i++)
            {
                var c = i;
                for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                table[i] = c;
            }
            return table;
        }
    }
}
