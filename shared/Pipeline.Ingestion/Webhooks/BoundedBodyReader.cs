namespace Pipeline.Ingestion.Webhooks;

/// <summary>
/// Reads a request body into memory without ever reading more than <c>limit + 1</c> bytes, so an oversized body is
/// detected after at most one byte past the limit (and at once when Content-Length already says so).
/// </summary>
internal static class BoundedBodyReader
{
    /// <summary>The body, or null when it is larger than <paramref name="limit"/>.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(Stream body, long limit, long? contentLength, CancellationToken ct)
    {
        if (contentLength > limit) return null;
        // Size the buffer from Content-Length when it is honest (+1 detects a body longer than announced).
        var capacity = (int)Math.Min(limit + 1, contentLength is { } cl ? cl + 1 : 16 * 1024);
        var buffer = new byte[Math.Max(capacity, 1)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > limit) return null;
                var grown = new byte[(int)Math.Min(limit + 1, (long)buffer.Length * 2)];
                buffer.AsSpan(0, length).CopyTo(grown);
                buffer = grown;
            }
            var read = await body.ReadAsync(buffer.AsMemory(length, buffer.Length - length), ct).ConfigureAwait(false);
            if (read == 0) break;
            length += read;
            if (length > limit) return null;
        }
        return buffer.AsMemory(0, length);
    }
}
