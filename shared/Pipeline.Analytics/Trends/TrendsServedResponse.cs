using System.IO.Compression;
using System.Security.Cryptography;

namespace Pipeline.Analytics.Trends;

/// <summary>
/// One trends response as the routes send it: the UTF-8 JSON, its strong ETag (a hash of those bytes, so every
/// instance holding the same response gives the same tag) and, made once on the first request that accepts it, the
/// gzip-compressed body. Immutable once built: a results generation never changes its responses.
/// </summary>
public sealed class TrendsServedResponse
{
    /// <summary>Bodies smaller than this go out uncompressed (gzip's header and the extra header line cost more).</summary>
    public const int MinCompressedLength = 1024;

    private byte[]? _gzip;

    public TrendsServedResponse(byte[] json)
    {
        Json = json;
        ETag = "\"" + Convert.ToHexStringLower(SHA256.HashData(json))[..32] + "\"";
    }

    public byte[] Json { get; }

    public string ETag { get; }

    /// <summary>Whether a gzip body is offered for this response (large enough to gain from it).</summary>
    public bool Compressible => Json.Length >= MinCompressedLength;

    /// <summary>The gzip form of <see cref="Json"/>; two first callers may both compress, one result is kept.</summary>
    public byte[] Gzip => _gzip ?? Interlocked.CompareExchange(ref _gzip, Compress(Json), null) ?? _gzip!;

    private static byte[] Compress(byte[] json)
    {
        using var buffer = new MemoryStream(json.Length / 4 + 64);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(json);
        }
        return buffer.ToArray();
    }
}
