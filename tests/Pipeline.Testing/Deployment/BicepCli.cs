using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Pipeline.Testing.Deployment;

/// <summary>
/// The real Bicep compiler, from NuGet package Azure.Bicep.CommandLine.linux-x64 (restored with the unit tests, never
/// loaded as an assembly): `bicep build --stdout` compiles to an ARM template, type-checks every resource against the
/// Azure resource types bundled with the CLI and runs the linter, all offline.
/// </summary>
public static class BicepCli
{
    public const string PackageId = "Azure.Bicep.CommandLine.linux-x64";

    private static readonly Lazy<(string? Path, string Reason)> Located = new(Locate);

    public static string? Path => Located.Value.Path;

    public static string MissingReason => Located.Value.Reason;

    /// <summary>Compiles a .bicep file (repository-relative, or an absolute path).</summary>
    public static BicepResult Build(string relativeFile)
    {
        var bicep = Path ?? throw new InvalidOperationException(MissingReason);
        var psi = new ProcessStartInfo(bicep) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoFiles.Root };
        foreach (var a in new[] { "build", System.IO.Path.IsPathRooted(relativeFile) ? relativeFile : RepoFiles.PathOf(relativeFile), "--stdout" })
        {
            psi.ArgumentList.Add(a);
        }
        // No telemetry, no update check: the build must not need the network.
        psi.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep build {relativeFile} did not finish in 3 minutes");
        }
        return new BicepResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    private static (string?, string) Locate()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            return (null, $"{PackageId} ships the Bicep CLI for linux-x64 only; this is {RuntimeInformation.RuntimeIdentifier}");
        }
        var props = RepoFiles.Read("Directory.Packages.props");
        var version = Regex.Match(props, $@"Include=""{Regex.Escape(PackageId)}""\s+Version=""([^""]+)""").Groups[1].Value;
        if (version.Length == 0)
        {
            return (null, $"{PackageId} has no PackageVersion in Directory.Packages.props");
        }
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                   ?? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var binary = System.IO.Path.Combine(root, PackageId.ToLowerInvariant(), version, "tools", "bicep");
        if (!File.Exists(binary))
        {
            return (null, $"{binary} not found: restore tests/Pipeline.UnitTests (it references {PackageId})");
        }
        var mode = File.GetUnixFileMode(binary);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            // NuGet extraction does not always keep the executable bit.
            File.SetUnixFileMode(binary, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        return (binary, "");
    }
}

public sealed record BicepResult(int ExitCode, string Template, string Diagnostics)
{
    /// <summary>Diagnostic lines ("file(line,col) : Error|Warning CODE: message").</summary>
    public IReadOnlyList<string> Messages =>
        Diagnostics.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => Regex.IsMatch(l, @"\) : (Error|Warning|Info) ")).ToList();
}
