using System.Diagnostics;
using Pipeline.Testing.Deployment;
using Xunit.Abstractions;

namespace Pipeline.UnitTests.Deployment;

/// <summary>
/// Runs infra/minikube/up.sh and down.sh for real, with stand-ins for minikube and helm (a cluster cannot run here)
/// that record their calls; kubectl is a stand-in too, except that `kubectl apply -k DIR` renders DIR with the real
/// `kubectl kustomize`, so the script must point at an overlay that builds. Asserts the order of the steps.
/// </summary>
public sealed class MinikubeScriptRunTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-minikube-stubs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Log => Path.Combine(_dir, "calls.log");

    private void Stub(string name, string body)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/usr/bin/env bash\necho \"" + name + " $*\" >> \"" + Log + "\"\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private void StubAll(bool clusterRunning)
    {
        Stub("minikube", $$"""
            case "$1" in
              status) exit {{(clusterRunning ? 0 : 1)}} ;;
              service) echo "http://192.168.49.2:30080" ;;
              docker-env) echo "export DOCKER_HOST=tcp://192.168.49.2:2376" ;;
              -p) shift 2; case "$1" in status) exit {{(clusterRunning ? 0 : 1)}} ;; service) echo "http://192.168.49.2:30080" ;; docker-env) echo "export DOCKER_HOST=tcp://192.168.49.2:2376" ;; esac ;;
            esac
            exit 0
            """);
        Stub("helm", "exit 0");
        var realKubectl = Kustomize.KubectlPath ?? "/bin/false";
        Stub("kubectl", $$"""
            args=("$@")
            # Drop a leading "-n NAMESPACE".
            if [[ "${args[0]}" == "-n" ]]; then args=("${args[@]:2}"); fi
            case "${args[0]}" in
              apply)
                if [[ "${args[1]}" == "-k" ]]; then "{{realKubectl}}" kustomize "${args[2]}" > /dev/null || exit 1; else cat > /dev/null; fi ;;
              create)
                if [[ " ${args[*]} " == *" --dry-run=client "* ]]; then echo "apiVersion: v1"; fi ;;
              get)
                if [[ "${args[1]}" == "secret" ]]; then exit 1; fi ;;
            esac
            exit 0
            """);
    }

    private (int Code, string Output) RunScript(string script, params string[] args) => RunScript(script, new Dictionary<string, string>(), args);

    private (int Code, string Output) RunScript(string script, Dictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(RepoFiles.PathOf(script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = _dir + ":/usr/bin:/bin";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), $"{script} did not finish");
        return (p.ExitCode, o.Result + e.Result);
    }

    [SkippableFact]
    public void Up_runs_every_step_in_order_and_prints_the_urls()
    {
        Skip.If(Kustomize.KubectlPath is null, Kustomize.MissingReason);
        StubAll(clusterRunning: false);
        var (code, text) = RunScript("infra/minikube/up.sh");
        output.WriteLine(text);
        Assert.True(code == 0, $"up.sh failed:\n{text}");
        var calls = File.ReadAllLines(Log);
        output.WriteLine(string.Join("\n", calls));
        int Index(string fragment)
        {
            var i = Array.FindIndex(calls, c => c.Contains(fragment, StringComparison.Ordinal));
            Assert.True(i >= 0, $"up.sh never ran '{fragment}'");
            return i;
        }
        var order = new[]
        {
            Index("minikube start -p pipeline"), Index("--cni=calico"), Index("addons enable metrics-server"),
            Index("helm upgrade --install keda kedacore/keda"), Index("helm upgrade --install spark-operator spark-operator/spark-operator"),
            Index("image build -t pipeline-functions:dev -f docker/Dockerfile.functions"),
            Index("image build -t pipeline-worker:dev -f docker/Dockerfile.worker"),
            Index("create secret generic pipeline-functions-keys"), Index("delete job -l app.kubernetes.io/component=init"),
            Index("apply -k"), Index("wait --for=condition=complete job/pipeline-init-topics job/pipeline-init-store"),
            Index("wait --for=condition=available deployment --all"), Index("service pipeline-functions-http -n pipeline --url"),
        };
        Assert.Equal(order.Order(), order);
        Assert.Contains("host.systemKey.durabletask_extension=", calls[Index("create secret generic pipeline-functions-keys")], StringComparison.Ordinal);
        Assert.Contains("API:        http://192.168.49.2:30080/api", text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Up_with_docker_env_builds_with_docker_inside_minikube()
    {
        Skip.If(Kustomize.KubectlPath is null, Kustomize.MissingReason);
        StubAll(clusterRunning: true);
        Stub("docker", "exit 0");
        var (code, text) = RunScript("infra/minikube/up.sh", new Dictionary<string, string> { ["USE_DOCKER_ENV"] = "1" });
        Assert.True(code == 0, text);
        var calls = File.ReadAllLines(Log);
        Assert.DoesNotContain(calls, c => c.StartsWith("minikube start", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Contains("docker-env", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("docker build -f", StringComparison.Ordinal) && c.Contains("-t pipeline-functions:dev", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("docker build -f", StringComparison.Ordinal) && c.Contains("-t pipeline-worker:dev", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Down_deletes_the_profile_or_only_pipeline_with_keep_cluster()
    {
        Skip.If(Kustomize.KubectlPath is null, Kustomize.MissingReason);
        StubAll(clusterRunning: true);
        var (code, text) = RunScript("infra/minikube/down.sh");
        Assert.True(code == 0, text);
        Assert.Contains(File.ReadAllLines(Log), c => c == "minikube delete -p pipeline");
        File.Delete(Log);
        (code, text) = RunScript("infra/minikube/down.sh", "--keep-cluster");
        Assert.True(code == 0, text);
        var calls = File.ReadAllLines(Log);
        Assert.DoesNotContain(calls, c => c.StartsWith("minikube delete", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Contains("delete -k", StringComparison.Ordinal) && c.EndsWith("infra/k8s/overlays/minikube --ignore-not-found --wait=true", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("helm uninstall keda", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("helm uninstall spark-operator", StringComparison.Ordinal));
        Assert.Equal(2, RunScript("infra/minikube/down.sh", "--bogus").Code);
    }
}
