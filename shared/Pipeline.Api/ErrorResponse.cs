namespace Pipeline.Api;

/// <summary>The <c>{"error": "…"}</c> body of the audit routes' and the function-key check's refusals.</summary>
public sealed record ErrorResponse(string Error);
