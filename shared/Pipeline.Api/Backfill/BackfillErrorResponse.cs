namespace Pipeline.Api.Backfill;

/// <summary>The 400 body of <c>POST /api/backfill</c>: what is wrong, and each refused or invalid source.</summary>
internal sealed record BackfillErrorResponse(string Error, IReadOnlyList<string> Errors);
