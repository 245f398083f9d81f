// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using Pipeline.Audit.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Audit.Analysis;

/// <summary>Reads a GitHub Actions workflow: its name, triggers (with schedules) and jobs (runner, needs, actions used, commands).</summary>
internal static class WorkflowParser
{
    public static WorkflowInfo Parse(string path, string yaml)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
                return new WorkflowInfo { Path = path, Error = "The workflow is not a YAML mapping" };

            var triggers = new List<string>();
            var schedules = new List<string>();
            // YAML 1.1 readers turn an unquoted `on` into true; accept both spellings.
            var on = Get(root, "on") ?? Get(root, "true");
            switch (on)
            {
                case YamlScalarNode s when s.Value is { Length: > 0 } v: triggers.Add(v); break;
                case YamlSequenceNode seq: triggers.AddRange(seq.Children.OfType<YamlScalarNode>().Select(x => x.Value ?? "")); break;
                case YamlMappingNode map:
                    foreach (var (k, v) in map.Children)
                    {
                        var name = ((YamlScalarNode)k).Value ?? "";
                        triggers.Add(name);
                        if (name == "schedule" && v is YamlSequenceNode crons)
                            schedules.AddRange(crons.Children.OfType<YamlMappingNode>().Select(c => Scalar(c, "cron")).OfType<string>());
                    }
                    break;
            }

            var jobs = new List<WorkflowJob>();
            if (Get(root, "jobs") is YamlMappingNode jobsNode)
            {
                foreach (var (k, v) in jobsNode.Children)
                {
                    if (v is not YamlMappingNode job) continue;
                    var steps = Get(job, "steps") as YamlSequenceNode;
                    var stepMaps = steps?.Children.OfType<YamlMappingNode>().ToList() ?? [];
                    var uses = stepMaps.Select(s => Scalar(s, "uses")).OfType<string>().ToList();
                    if (Scalar(job, "uses") is { } reusable) uses.Add(reusable);
                    jobs.Add(new WorkflowJob
                    {
                        Id = ((YamlScalarNode)k).Value ?? "",
                        Name = Scalar(job, "name"),
                        RunsOn = Strings(Get(job, "runs-on")),
                        Needs = Strings(Get(job, "needs")),
                        Steps = stepMaps.Count,
                        Uses = uses,
                        Run = stepMaps.Select(s => Scalar(s, "run")).OfType<string>().Select(r => r.Trim()).ToList(),
                    });
                }
            }

            return new WorkflowInfo { Path = path, Name = Scalar(root, "name"), Triggers = triggers, Schedules = schedules, Jobs = jobs };
        }
        catch (YamlException e)
        {
            return new WorkflowInfo { Path = path, Error = $"Invalid YAML at line {e.Start.Line}: {e.Message}" };
        }
    }

    private static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(YamlMappingNode map, string key) => Get(map, key) is YamlScalarNode s ? s.Value : null;

    private static IReadOnlyList<string> Strings(YamlNode? node) => node switch
    {
        YamlScalarNode s when s.Value is { Length: > 0 } v => [v],
        YamlSequenceNode seq => seq.Children.OfType<YamlScalarNode>().Select(x => x.Value ?? "").ToList(),
        YamlMappingNode map => map.Children.Values.SelectMany(Strings).ToList(),
        _ => [],
    };
}
