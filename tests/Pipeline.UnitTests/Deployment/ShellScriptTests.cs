using System.Diagnostics;
using Pipeline.Testing.Deployment;
using Xunit.Abstractions;

namespace Pipeline.UnitTests.Deployment;

/// <summary>infra/minikube/up.sh and down.sh: strict mode, syntax (bash -n), shellcheck when installed, and the steps
/// the issue asks for.</summary>
public sealed class ShellScriptTests(ITestOutputHelper output)
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var f in RepoFiles.Under("infra", ".sh")) data.Add(f);
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_is_strict_executable_and_parses(string script)
    {
        var text = RepoFiles.Read(script);
        Assert.StartsWith("#!/usr/bin/env bash", text, StringComparison.Ordinal);
        Assert.Contains("set -euo pipefail", text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(RepoFiles.PathOf(script));
            Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"{script} is not executable (git update-index --chmod=+x)");
        }
        var (code, stdout, stderr) = Run("bash", "-n", RepoFiles.PathOf(script));
        Assert.True(code == 0, $"bash -n {script}: {stdout}{stderr}");
    }

    [SkippableTheory]
    [MemberData(nameof(Scripts))]
    public void Script_passes_shellcheck(string script)
    {
        var shellcheck = new[] { "/usr/bin/shellcheck", "/usr/local/bin/shellcheck" }.FirstOrDefault(File.Exists);
        Skip.If(shellcheck is null, "shellcheck is not installed (Debian: apt-get install shellcheck)");
        var (code, stdout, stderr) = Run(shellcheck!, "--severity=style", "--shell=bash", RepoFiles.PathOf(script));
        output.WriteLine(stdout + stderr);
        Assert.True(code == 0, $"shellcheck {script}:\n{stdout}{stderr}");
    }

    [Fact]
    public void Up_installs_keda_and_spark_operator_builds_into_minikube_applies_the_overlay_and_waits()
    {
        var up = RepoFiles.Read("infra/minikube/up.sh");
        foreach (var step in new[]
                 {
                     "minikube start", "helm upgrade --install keda kedacore/keda", "helm upgrade --install spark-operator",
                     "minikube -p \"$PROFILE\" image build", "minikube -p \"$PROFILE\" docker-env", "kubectl apply -k \"$OVERLAY\"",
                     "kubectl -n \"$NAMESPACE\" wait --for=condition=available", "service pipeline-functions-http",
                 })
        {
            Assert.Contains(step, up, StringComparison.Ordinal);
        }
        Assert.Contains("OVERLAY=\"$ROOT/infra/k8s/overlays/minikube\"", up, StringComparison.Ordinal);
        Assert.True(RepoFiles.Exists("infra/k8s/overlays/minikube/kustomization.yaml"));
        Assert.Contains("infra/spark-operator/values.yaml", up, StringComparison.Ordinal);
        Assert.True(RepoFiles.Exists("infra/spark-operator/values.yaml"));
        var down = RepoFiles.Read("infra/minikube/down.sh");
        Assert.Contains("minikube delete -p \"$PROFILE\"", down, StringComparison.Ordinal);
        Assert.Contains("helm uninstall keda", down, StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit(60_000);
        return (p.ExitCode, o.Result, e.Result);
    }
}
