using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>
/// Verifies <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>: HMAC-SHA256 of the raw body with each configured secret,
/// compared in constant time (<see cref="CryptographicOperations.FixedTimeEquals"/>). Several secrets are tried so a
/// secret can be rotated without dropping deliveries signed with the old one.
/// </summary>
internal sealed class WebhookSignatureVerifier
{
    private const string Prefix = "sha256=";
    private readonly byte[][] _keys;

    public WebhookSignatureVerifier(IEnumerable<string> secrets)
    {
        _keys = secrets.Where(s => !string.IsNullOrEmpty(s)).Select(Encoding.UTF8.GetBytes).ToArray();
    }

    public int SecretCount => _keys.Length;

    public SignatureCheck Verify(ReadOnlySpan<byte> body, string? signatureHeader)
    {
        if (string.IsNullOrWhiteSpace(signatureHeader)) return SignatureCheck.Missing;
        var header = signatureHeader.AsSpan().Trim();
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || header.Length != Prefix.Length + 64)
        {
            return SignatureCheck.Malformed;
        }
        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(header[Prefix.Length..], given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return SignatureCheck.Malformed;
        }
        Span<byte> expected = stackalloc byte[32];
        var match = false;
        foreach (var key in _keys)
        {
            HMACSHA256.HashData(key, body, expected);
            // Every key is tried even after a match so timing does not reveal which secret matched.
            match |= CryptographicOperations.FixedTimeEquals(expected, given);
        }
        return match ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    /// <summary>The header value GitHub would send for this body and secret (tests, tools, the load driver).</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
