namespace Pipeline.Analytics.Dialect;

/// <summary>A construct outside the common dialect, with where it is.</summary>
internal sealed record DialectViolation(int Line, string Token, string Reason)
{
    public override string ToString() => $"line {Line}: '{Token}' — {Reason}";
}
