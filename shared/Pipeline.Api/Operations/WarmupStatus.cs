using Pipeline.ServiceDefaults;

namespace Pipeline.Api.Operations;

/// <summary>Start-up work (schema, sample data, first models) that must finish before the app reports ready.</summary>
public sealed class WarmupStatus : IHealthProbe
{
    private volatile string _detail = "starting";
    private volatile bool _done;

    public string Name => "warmup";

    public void Report(string detail) => _detail = detail;

    public void Complete(string detail)
    {
        _detail = detail;
        _done = true;
    }

    public Task<ProbeResult> CheckAsync(CancellationToken ct) => Task.FromResult(new ProbeResult(_done, _detail));
}
