using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Analytics.Spark;

/// <summary>
/// Deterministic SparkApplication names: the same orchestration instance and job always give the same name, so a
/// replayed or retried submit hits 409 Conflict instead of starting a second application.
/// </summary>
internal static class SparkJobNaming
{
    /// <summary>DNS-1123 label, at most 45 characters (the operator derives longer pod and service names from it).</summary>
    public static string ApplicationName(string instanceId, string job)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(instanceId + "\n" + job)))[..10];
        var slug = new string(job.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        while (slug.Contains("--", StringComparison.Ordinal)) slug = slug.Replace("--", "-", StringComparison.Ordinal);
        if (slug.Length > 26) slug = slug[..26].TrimEnd('-');
        return $"trends-{slug}-{hash}";
    }
}
