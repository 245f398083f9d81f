// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using Pipeline.Audit.Model;
using ScottPlot;

namespace Pipeline.Audit.Reporting;

/// <summary>
/// The report's PNG charts (ScottPlot): tool categories per month (heatmap), top files per month (heatmap of the most
/// changed files), CI runs per month (bars, with the success rate when the API was used), and the score per section.
/// </summary>
public static class AuditCharts
{
    public const string ToolCategories = "tool-categories";
    public const string TopFiles = "top-files";
    public const string CiRuns = "ci-runs";
    public const string Scores = "scores";

    public static IReadOnlyList<string> Names { get; } = [ToolCategories, TopFiles, CiRuns, Scores];

    /// <summary>Renders the named chart as PNG bytes, or returns null for an unknown name.</summary>
    public static byte[]? Render(AuditReport report, string name) => name switch
    {
        ToolCategories => RenderToolCategories(report),
        TopFiles => RenderTopFiles(report),
        CiRuns => RenderCiRuns(report),
        Scores => RenderScores(report),
        _ => null,
    };

    /// <summary>Writes every chart to <paramref name="directory"/>; returns chart name → file name.</summary>
    public static IReadOnlyDictionary<string, string> WriteAll(AuditReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new Dictionary<string, string>();
        foreach (var name in Names)
        {
            var file = name + ".png";
            File.WriteAllBytes(Path.Combine(directory, file), Render(report, name)!);
            files[name] = file;
        }
        return files;
    }

    public static byte[] RenderToolCategories(AuditReport r)
    {
        var months = r.Months.Count > 0 ? r.Months : r.ToolCategoriesByMonth.Values.SelectMany(v => v.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var categories = r.ToolCategoriesByMonth.Keys.ToList();
        return HeatmapPng(
            "MLOps tool categories per month (occurrences in changed files)",
            categories,
            months,
            (row, col) => r.ToolCategoriesByMonth[categories[row]].GetValueOrDefault(months[col]),
            "No commit analysed");
    }

    public static byte[] RenderTopFiles(AuditReport r)
    {
        var months = r.TopFilesByMonth.Select(m => m.Month).ToList();
        // Rows: the files that are most often in a month's top list, by total changes.
        var files = r.TopFilesByMonth.SelectMany(m => m.Files)
            .GroupBy(f => f.Path, StringComparer.Ordinal)
            .Select(g => (Path: g.Key, Total: g.Sum(f => f.Count)))
            .OrderByDescending(f => f.Total).ThenBy(f => f.Path, StringComparer.Ordinal)
            .Take(15).Select(f => f.Path).ToList();
        var lookup = r.TopFilesByMonth.ToDictionary(m => m.Month, m => m.Files.ToDictionary(f => f.Path, f => f.Count, StringComparer.Ordinal), StringComparer.Ordinal);
        return HeatmapPng(
            "Most modified files per month (changes)",
            files.Select(Shorten).ToList(),
            months,
            (row, col) => lookup[months[col]].GetValueOrDefault(files[row]),
            "No file changes");
    }

    public static byte[] RenderCiRuns(AuditReport r)
    {
        var ci = r.CiRunsByMonth;
        var plot = new Plot();
        var api = ci.Source == "github-api";
        plot.Title(api ? "GitHub Actions runs per month" : "Workflow-file changes per month (Actions API unavailable)");
        if (ci.Months.Count == 0)
        {
            NoData(plot, api ? "No workflow runs" : "No workflow changes");
            return plot.GetImageBytes(900, 450, ImageFormat.Png);
        }
        var xs = Enumerable.Range(0, ci.Months.Count).Select(i => (double)i).ToArray();
        if (api)
        {
            var ok = ci.Months.Select(m => (double)(m.Succeeded ?? 0)).ToArray();
            var failed = ci.Months.Select(m => (double)(m.Failed ?? 0)).ToArray();
            var other = ci.Months.Select(m => (double)(m.Runs - (m.Succeeded ?? 0) - (m.Failed ?? 0))).ToArray();
            var bars = new List<Bar>();
            for (var i = 0; i < xs.Length; i++)
            {
                bars.Add(new Bar { Position = xs[i], ValueBase = 0, Value = ok[i], FillColor = Colors.SeaGreen });
                bars.Add(new Bar { Position = xs[i], ValueBase = ok[i], Value = ok[i] + failed[i], FillColor = Colors.IndianRed });
                bars.Add(new Bar { Position = xs[i], ValueBase = ok[i] + failed[i], Value = ok[i] + failed[i] + other[i], FillColor = Colors.LightGray });
            }
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "succeeded", FillColor = Colors.SeaGreen });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "failed", FillColor = Colors.IndianRed });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "cancelled / other", FillColor = Colors.LightGray });
            var rate = ci.Months.Select((m, i) => (m, i)).Where(x => x.m.SuccessRate is not null).ToList();
            if (rate.Count > 0)
            {
                var line = plot.Add.Scatter(rate.Select(x => (double)x.i).ToArray(), rate.Select(x => x.m.SuccessRate!.Value * 100).ToArray());
                line.Axes.YAxis = plot.Axes.Right;
                line.Color = Colors.Navy;
                line.LegendText = "success rate %";
                plot.Axes.Right.Label.Text = "success rate (%)";
            }
            plot.ShowLegend(Edge.Bottom);
        }
        else
        {
            plot.Add.Bars(xs, ci.Months.Select(m => (double)m.Runs).ToArray());
        }
        plot.YLabel(api ? "runs" : "commits changing .github/workflows/");
        MonthTicks(plot, ci.Months.Select(m => m.Month).ToList());
        plot.Axes.Margins(bottom: 0);
        // A rate axis from 0 to 100 % keeps small differences from looking like collapses.
        if (api) plot.Axes.SetLimitsY(0, 105, plot.Axes.Right);
        return plot.GetImageBytes(Math.Max(900, 40 * ci.Months.Count + 200), 480, ImageFormat.Png);
    }

    public static byte[] RenderScores(AuditReport r)
    {
        var plot = new Plot();
        var sections = r.MlTestScore.Sections.All().ToList();
        plot.Title($"ML Test Score per section — final {r.MlTestScore.Final:0.##} (minimum)");
        var bars = sections.Select((s, i) => new Bar
        {
            Position = i,
            Value = s.Section.Score,
            FillColor = s.Section.Score <= r.MlTestScore.Final ? Colors.IndianRed : Colors.SteelBlue,
            Label = s.Section.Score.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
        }).ToList();
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 16;
        var ticks = sections.Select((s, i) => new Tick(i, s.Section.Name)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        var finalLine = plot.Add.HorizontalLine(r.MlTestScore.Final);
        finalLine.LinePattern = LinePattern.Dashed;
        finalLine.Color = Colors.DarkRed;
        finalLine.LegendText = "final score (minimum of the sections)";
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.SetLimitsY(0, 7.5);
        plot.YLabel("points (max 7)");
        return plot.GetImageBytes(800, 450, ImageFormat.Png);
    }

    private static byte[] HeatmapPng(string title, IReadOnlyList<string> rows, IReadOnlyList<string> months, Func<int, int, int> value, string empty)
    {
        var plot = new Plot();
        plot.Title(title);
        if (rows.Count == 0 || months.Count == 0)
        {
            NoData(plot, empty);
            return plot.GetImageBytes(900, 450, ImageFormat.Png);
        }
        var data = new double[rows.Count, months.Count];
        for (var i = 0; i < rows.Count; i++)
            for (var j = 0; j < months.Count; j++)
                data[i, j] = value(i, j);
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Extent = new CoordinateRect(-0.5, months.Count - 0.5, -0.5, rows.Count - 0.5);
        plot.Add.ColorBar(heatmap);
        // Row 0 of the data is drawn at the top of the extent.
        var rowTicks = rows.Select((name, i) => new Tick(rows.Count - 1 - i, name)).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(rowTicks);
        MonthTicks(plot, months);
        plot.Axes.SetLimits(-0.5, months.Count - 0.5, -0.5, rows.Count - 0.5);
        var width = Math.Clamp(28 * months.Count + 420, 900, 4000);
        var height = Math.Clamp(32 * rows.Count + 220, 380, 1400);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    private static void MonthTicks(Plot plot, IReadOnlyList<string> months)
    {
        var step = Math.Max(1, (int)Math.Ceiling(months.Count / 40.0));
        var ticks = months.Select((m, i) => (m, i)).Where(x => x.i % step == 0).Select(x => new Tick(x.i, x.m)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 60;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 70;
    }

    private static void NoData(Plot plot, string text)
    {
        var label = plot.Add.Text(text, 0, 0);
        label.LabelFontSize = 20;
        label.LabelAlignment = Alignment.MiddleCenter;
        plot.Axes.SetLimits(-1, 1, -1, 1);
        plot.Axes.Frameless();
        plot.HideGrid();
    }

    private static string Shorten(string path) => path.Length <= 48 ? path : "…" + path[^47..];
}
