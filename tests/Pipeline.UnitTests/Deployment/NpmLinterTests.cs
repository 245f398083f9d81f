using System.Diagnostics;
using Pipeline.Embedded;
using Pipeline.Testing.Deployment;
using Xunit.Abstractions;

namespace Pipeline.UnitTests.Deployment;

/// <summary>
/// Real linters from npm, run offline from node_modules/.bin when package.json installs them:
/// dockerfile-utils (the Dockerfile validator of the VS Code Docker extension; hadolint itself is not obtainable here)
/// and @action-validator/cli (GitHub Actions workflow schema). Skipped, saying so, until they are in package.json.
/// </summary>
public sealed class NpmLinterTests(ITestOutputHelper output)
{
    public static TheoryData<string> Dockerfiles() => DockerfileTests.Dockerfiles();

    public static TheoryData<string> WorkflowFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in RepoFiles.Under(Workflow.Folder, ".yml", ".yaml")) data.Add(f);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_passes_dockerfile_utils_lint(string file)
    {
        var lint = Tool("dockerfile-utils", "dockerfile-utils 0.16.3");
        var (code, text) = Run(lint, "lint", RepoFiles.PathOf(file));
        output.WriteLine(text);
        Assert.True(code == 0, $"dockerfile-utils lint {file}:\n{text}");
    }

    [SkippableTheory]
    [MemberData(nameof(WorkflowFiles))]
    public void Workflow_passes_action_validator(string file)
    {
        var validator = Tool("action-validator", "@action-validator/cli 0.6.0");
        var (code, text) = Run(validator, RepoFiles.PathOf(file));
        output.WriteLine(text);
        Assert.True(code == 0, $"action-validator {file}:\n{text}");
    }

    private static string Tool(string bin, string package)
    {
        try
        {
            return RepositoryPaths.NodeBin(bin);
        }
        catch (FileNotFoundException)
        {
            throw new SkipException($"{bin} is not installed: add {package.Replace(" ", "\": \"")} to package.json devDependencies and run npm ci");
        }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
        }
        return (p.ExitCode, o.Result + e.Result);
    }
}
