using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipeline.Testing.Deployment;

namespace Pipeline.UnitTests.Deployment;

/// <summary>.github/workflows: well-formed GitHub Actions, pinned actions, and the steps the issue asks for.</summary>
public sealed class WorkflowTests
{
    private static Workflow Named(string name) => Workflow.All().Single(w => Path.GetFileName(w.File) == name);

    [Fact]
    public void Every_workflow_has_triggers_and_jobs_whose_steps_run_or_use_a_pinned_action()
    {
        var workflows = Workflow.All();
        Assert.Equal(["ci.yml", "data-pipeline.yml", "release.yml", "training-pipeline.yml"], workflows.Select(w => Path.GetFileName(w.File)).Order());
        var problems = new List<string>();
        foreach (var w in workflows)
        {
            if (w.Root["on"] is null) problems.Add($"{w.File}: no 'on' triggers");
            if (w.Jobs.Count == 0) problems.Add($"{w.File}: no jobs");
            foreach (var (name, job) in w.Jobs)
            {
                if (job?["runs-on"] is null) problems.Add($"{w.File} job {name}: runs-on missing");
                foreach (var need in (job?["needs"] as JsonArray)?.Select(n => (string?)n) ?? (job?["needs"] is JsonValue v ? [(string?)v] : []))
                {
                    if (!w.Jobs.ContainsKey(need!)) problems.Add($"{w.File} job {name}: needs unknown job {need}");
                }
            }
            foreach (var (job, step) in w.Steps)
            {
                var uses = (string?)step["uses"];
                if (uses is null == (step["run"] is null)) problems.Add($"{w.File} job {job}: a step needs exactly one of run/uses ({step.ToJsonString()[..Math.Min(80, step.ToJsonString().Length)]})");
                if (uses is not null && !Regex.IsMatch(uses, @"@(v\d+(\.\d+)*|\d+\.\d+\.\d+|[0-9a-f]{40})$")) problems.Add($"{w.File} job {job}: action {uses} must be pinned to a version or commit");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Ci_lints_builds_tests_builds_images_and_scans()
    {
        var text = RepoFiles.Read(Named("ci.yml").File);
        foreach (var required in new[]
                 {
                     "dotnet format Pipeline.sln --verify-no-changes", "-warnaserror", "bash .ci/run", "docker/build-push-action",
                     "aquasecurity/trivy-action", "dotnet list Pipeline.sln package --vulnerable", "kubectl", "shellcheck",
                 })
        {
            Assert.Contains(required, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Data_and_training_pipelines_run_their_area_tests_and_can_trigger_runs()
    {
        var data = RepoFiles.Read(Named("data-pipeline.yml").File);
        Assert.Contains("Pipeline.UnitTests.Analytics", data, StringComparison.Ordinal);
        Assert.Contains("statusQueryGetUri", data, StringComparison.Ordinal);
        var training = RepoFiles.Read(Named("training-pipeline.yml").File);
        Assert.Contains("Pipeline.UnitTests.ML", training, StringComparison.Ordinal);
        Assert.Contains("GITHUB_STEP_SUMMARY", training, StringComparison.Ordinal);
        Assert.NotNull(Named("data-pipeline.yml").Root["on"]?["schedule"]);
        Assert.NotNull(Named("training-pipeline.yml").Root["on"]?["schedule"]);
    }

    [Fact]
    public void Release_runs_on_version_tags_and_attaches_artifacts()
    {
        var release = Named("release.yml");
        Assert.Contains("v*.*.*", release.Root["on"]!["push"]!["tags"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("write", (string?)release.Root["permissions"]!["packages"]);
        Assert.Contains(release.Steps, s => ((string?)s.Step["uses"])?.StartsWith("softprops/action-gh-release@", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Every_workflow_notifies_on_failure_only_when_a_webhook_secret_is_set()
    {
        foreach (var w in Workflow.All())
        {
            var notify = w.Jobs.FirstOrDefault(j => j.Key == "notify").Value;
            Assert.True(notify is not null, $"{w.File}: no notify job");
            Assert.Contains("failure()", (string?)notify!["if"] ?? "", StringComparison.Ordinal);
            Assert.Contains("secrets.PIPELINE_ALERT_WEBHOOK_URL", notify.ToJsonString(), StringComparison.Ordinal);
            Assert.Contains("if [ -z \"$WEBHOOK_URL\" ]", notify.ToJsonString().Replace("\\u0022", "\"", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }
}
