using System.Net.Sockets;
using Pipeline.Ingestion.Consumer;
using Pipeline.Storage;

namespace Pipeline.UnitTests.Kafka;

/// <summary>Which sink failures pause the consumer (outage) and which can dead-letter an event (bad data).</summary>
public sealed class TransientErrorsTests
{
    public static TheoryData<Exception> Outages => new()
    {
        new StoreUnavailableException("down"),
        new TimeoutException("slow"),
        new SocketException((int)SocketError.ConnectionRefused),
        new TaskCanceledException("client timeout"),
        new InvalidOperationException("wrapper", new StoreUnavailableException("inner outage")),
        new AggregateException(new TimeoutException("inner")),
    };

    public static TheoryData<Exception> BadData => new()
    {
        new InvalidOperationException("duplicate key in projection"),
        new FormatException("bad date"),
        new ArgumentException("id"),
        new System.Text.Json.JsonException("bad payload"),
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public void Outages_are_recognised_even_when_wrapped(Exception ex) => Assert.True(TransientErrors.IsOutage(ex));

    [Theory]
    [MemberData(nameof(BadData))]
    public void Data_errors_are_not_outages(Exception ex) => Assert.False(TransientErrors.IsOutage(ex));
}
