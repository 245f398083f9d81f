using System.Reflection;

namespace Pipeline.ML.Registry;

internal static class CodeVersion
{
    /// <summary>The git sha from the build environment when set, else the assembly's informational version.</summary>
    public static string Current { get; } = Resolve();

    private static string Resolve()
    {
        foreach (var env in new[] { "PIPELINE_GIT_SHA", "GIT_SHA", "GITHUB_SHA", "BUILD_SOURCEVERSION" })
        {
            if (Environment.GetEnvironmentVariable(env) is { Length: > 0 } sha) return sha;
        }
        return typeof(CodeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
    }
}
