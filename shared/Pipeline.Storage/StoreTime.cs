namespace Pipeline.Storage;

/// <summary>The one timestamp format in stored documents: <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> (UTC), which sorts as text.</summary>
public static class StoreTime
{
    public const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString(Pattern, System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture,
        System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
}
