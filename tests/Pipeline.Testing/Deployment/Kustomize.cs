using System.Diagnostics;

namespace Pipeline.Testing.Deployment;

/// <summary>Runs <c>kubectl kustomize</c> (kubectl's built-in kustomize; no cluster needed).</summary>
public static class Kustomize
{
    /// <summary>Full path of kubectl on PATH, or null when it is not installed.</summary>
    public static string? KubectlPath { get; } = FindOnPath("kubectl");

    public static string MissingReason => "kubectl is not on PATH: install it (Debian: apt-get install kubectl) to build the kustomize overlays";

    private static readonly Dictionary<string, KustomizeResult> Cache = new(StringComparer.Ordinal);
    private static readonly object CacheLock = new();

    /// <summary>Builds the kustomization in <paramref name="relativeDir"/> (cached per run).</summary>
    public static KustomizeResult Build(string relativeDir)
    {
        lock (CacheLock)
        {
            if (Cache.TryGetValue(relativeDir, out var cached))
            {
                return cached;
            }
        }
        var kubectl = KubectlPath ?? throw new InvalidOperationException(MissingReason);
        var psi = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoFiles.Root,
        };
        psi.ArgumentList.Add("kustomize");
        psi.ArgumentList.Add(RepoFiles.PathOf(relativeDir));
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start kubectl");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl kustomize {relativeDir} did not finish in 2 minutes");
        }
        var result = new KustomizeResult(relativeDir, process.ExitCode, stdout.Result, stderr.Result);
        lock (CacheLock)
        {
            Cache[relativeDir] = result;
        }
        return result;
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}

public sealed record KustomizeResult(string Directory, int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    public IReadOnlyList<KubernetesObject> Objects =>
        Succeeded
            ? KubernetesObject.ParseAll(Output, $"kustomize({Directory})")
            : throw new InvalidOperationException($"kubectl kustomize {Directory} failed ({ExitCode}): {Error}");

    /// <summary>The rendered YAML split into one text per document (for typed, strict deserialisation).</summary>
    public IReadOnlyList<string> DocumentTexts =>
        Output.Split(["\n---\n"], StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.StartsWith("---\n", StringComparison.Ordinal) ? d[4..] : d)
            .Where(d => !string.IsNullOrWhiteSpace(d))
            .ToList();
}
