using Microsoft.Playwright;

namespace Pipeline.BrowserTests;

/// <summary>
/// The set-up every page test shares: the test's own server (<see cref="StartServerAsync"/>), then Debian chromium driven by
/// Playwright (no Playwright browser download), and pages that record the script errors they raise. Disposal closes the
/// browser before the server.
/// </summary>
public abstract class BrowserPageTest : IAsyncLifetime
{
    private IPlaywright? _playwright;

    protected IBrowser Browser { get; private set; } = null!;

    /// <summary>Starts what the page is served from and seeds it.</summary>
    protected abstract Task StartServerAsync();

    /// <summary>Stops what <see cref="StartServerAsync"/> started (called even when it failed half-way).</summary>
    protected abstract Task StopServerAsync();

    public async Task InitializeAsync()
    {
        await StartServerAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
    }

    /// <summary>A new page of the given size, and the list its uncaught script errors are added to.</summary>
    protected async Task<(IPage Page, List<string> Errors)> NewPageAsync(int width = 1400, int height = 1100)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        return (page, errors);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await StopServerAsync();
    }
}
