namespace Pipeline.ServiceDefaults;

/// <summary>What one probe found: healthy or not, and a line for operators.</summary>
public sealed record ProbeResult(bool Healthy, string Detail)
{
    public static ProbeResult Ok(string detail) => new(true, detail);

    public static ProbeResult Down(string detail) => new(false, detail);
}
