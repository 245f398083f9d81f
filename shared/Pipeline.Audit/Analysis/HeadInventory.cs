// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using Pipeline.Audit.Catalog;
using Pipeline.Audit.Git;
using Pipeline.Audit.Model;

namespace Pipeline.Audit.Analysis;

/// <summary>What the HEAD snapshot contains: tools per file and benchmark/evaluation keyword occurrences.</summary>
internal static class HeadInventory
{
    public static IReadOnlyList<HeadTool> Tools(ToolCatalog catalog, RepositorySnapshot snapshot)
    {
        var files = new Dictionary<int, List<string>>();
        var how = new Dictionary<int, SortedSet<string>>();
        var hits = new List<ToolHit>();
        foreach (var path in snapshot.Paths)
        {
            hits.Clear();
            catalog.DetectByPath(path, hits);
            if (FileKinds.MayMentionTools(path) && !snapshot.IsIgnored(path) && snapshot.Text(path) is { } text)
                catalog.DetectByContent(path, text, hits);
            foreach (var h in hits)
            {
                if (!files.TryGetValue(h.Tool, out var list)) { files[h.Tool] = list = []; how[h.Tool] = new SortedSet<string>(StringComparer.Ordinal); }
                list.Add(path);
                how[h.Tool].Add(h.How);
            }
        }
        return files.OrderBy(f => f.Key).Select(f => new HeadTool(f.Key, f.Value, how[f.Key].ToList())).ToList();
    }

    /// <summary>Keyword index → (total occurrences, per-file counts) over text files at HEAD.</summary>
    public static IReadOnlyDictionary<int, (int Total, IReadOnlyList<FileCount> TopFiles)> Keywords(ToolCatalog catalog, RepositorySnapshot snapshot)
    {
        var regex = HistoryScanner.BuildKeywordRegex(catalog);
        var perKeyword = new Dictionary<int, Dictionary<string, int>>();
        foreach (var (path, text) in snapshot.Texts)
        {
            if (snapshot.IsIgnored(path) || FileKinds.IsIgnoredForContent(path)) continue;
            for (var m = regex.Match(text); m.Success; m = m.NextMatch())
            {
                for (var k = 0; k < catalog.Keywords.Count; k++)
                {
                    if (!m.Groups[HistoryScanner.GroupName(k)].Success) continue;
                    var counts = HistoryScanResult.GetOrAdd(perKeyword, k);
                    counts[path] = counts.GetValueOrDefault(path) + 1;
                    break;
                }
            }
        }
        return perKeyword.ToDictionary(
            p => p.Key,
            p => (p.Value.Values.Sum(), (IReadOnlyList<FileCount>)p.Value.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal)
                .Take(10).Select(f => new FileCount(f.Key, f.Value)).ToList()));
    }
}
