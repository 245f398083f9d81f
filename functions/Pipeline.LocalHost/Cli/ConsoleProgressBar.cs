using System.Globalization;

namespace Pipeline.LocalHost.Cli;

/// <summary>
/// A one-line progress bar on stderr: redrawn in place (carriage return) on a terminal, printed as a plain line at most every
/// few seconds when stderr is redirected (logs, CI), so output stays readable either way. Stdout keeps only results.
/// </summary>
internal sealed class ConsoleProgressBar(TextWriter writer, bool interactive, TimeSpan? interval = null)
{
    private const int Width = 30;
    private readonly TimeSpan _interval = interval ?? (interactive ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(5));
    private DateTime _last = DateTime.MinValue;
    private int _lastLength;
    private int _spin;

    /// <summary>Draws <paramref name="done"/> of <paramref name="total"/> (unknown total: a spinner) with a text after the bar.</summary>
    public void Update(double done, double? total, string text, bool force = false)
    {
        var now = DateTime.UtcNow;
        if (!force && now - _last < _interval) return;
        _last = now;
        string bar;
        if (total is > 0)
        {
            var fraction = Math.Clamp(done / total.Value, 0, 1);
            var filled = (int)Math.Round(fraction * Width);
            bar = string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('-', Width - filled)}] {fraction * 100,5:F1}%");
        }
        else
        {
            bar = "[" + "|/-\\"[_spin++ % 4] + "]";
        }
        var line = bar + " " + text;
        if (interactive)
        {
            var pad = Math.Max(0, _lastLength - line.Length);
            writer.Write("\r" + line + new string(' ', pad));
            _lastLength = line.Length;
        }
        else
        {
            writer.WriteLine(line);
        }
        writer.Flush();
    }

    /// <summary>Ends the bar's line (on a terminal), so what follows starts on a new line.</summary>
    public void Complete()
    {
        if (interactive && _lastLength > 0) writer.WriteLine();
        _lastLength = 0;
    }

    public static string Duration(double seconds) => seconds switch
    {
        < 0 or double.NaN or double.PositiveInfinity => "?",
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds:F0}s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 60)}m{(int)(seconds % 60):D2}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 3600)}h{(int)(seconds % 3600 / 60):D2}m"),
    };
}
