// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Reflection;

namespace Pipeline.Api.Audit;

/// <summary>The self-contained audit page (Audit/audit-dashboard.html, embedded): vanilla JS, charts from the API, no CDN.</summary>
internal static class AuditDashboard
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream("Pipeline.Api.Audit.audit-dashboard.html")
            ?? throw new InvalidOperationException("Embedded resource Pipeline.Api.Audit.audit-dashboard.html is missing");
        using var reader = new StreamReader(s);
        return reader.ReadToEnd();
    }
}
