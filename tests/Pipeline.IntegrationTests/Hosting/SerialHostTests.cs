namespace Pipeline.IntegrationTests.Hosting;

/// <summary>Whole-host tests that run alone: the kill -9 backfill starts two local hosts with every embedded server in turn, and
/// beside the durable and ML tests on 2 cores its first host did not finish a file within minutes (seen at load average 30).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialHostTests
{
    public const string Name = "Serial whole-host tests";
}
