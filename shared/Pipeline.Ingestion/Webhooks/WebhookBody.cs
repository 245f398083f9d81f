using System.Text;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>
/// The JSON document inside a delivery body. GitHub sends <c>application/json</c> (the body is the JSON) or
/// <c>application/x-www-form-urlencoded</c> (the body is <c>payload=&lt;url-encoded JSON&gt;</c>, GitHub's default content type in
/// its UI). The signature is always over the raw body, so this runs after verification.
/// </summary>
internal static class WebhookBody
{
    public const string FormContentType = "application/x-www-form-urlencoded";

    public static bool IsForm(string? contentType) =>
        contentType is not null && contentType.AsSpan().TrimStart().StartsWith(FormContentType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The JSON bytes, or an error message when a form body has no <c>payload</c> field.</summary>
    public static (ReadOnlyMemory<byte> Json, string? Error) JsonOf(string? contentType, ReadOnlyMemory<byte> body)
    {
        if (!IsForm(contentType)) return (body, null);
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(body.Span);
        }
        catch (DecoderFallbackException)
        {
            return (default, "the form-encoded body is not valid UTF-8");
        }
        foreach (var pair in text.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            if (!string.Equals(Decode(name), "payload", StringComparison.Ordinal)) continue;
            var value = eq < 0 ? "" : Decode(pair[(eq + 1)..]);
            return (Encoding.UTF8.GetBytes(value), null);
        }
        return (default, "the form-encoded body has no 'payload' field");
    }

    // '+' is a space in application/x-www-form-urlencoded; invalid %-sequences are kept literally (then the JSON parser says why).
    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}
