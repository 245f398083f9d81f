namespace Pipeline.Ingestion.Kafka;

/// <summary>The parts of an Event Hubs connection string that the Kafka endpoint needs.</summary>
internal sealed record EventHubsConnection(string Namespace, string FullyQualifiedNamespace)
{
    /// <summary>Event Hubs serves the Kafka protocol on port 9093 of the namespace host.</summary>
    public string KafkaBootstrapServers => FullyQualifiedNamespace + ":9093";

    public static EventHubsConnection? TryParse(string connectionString)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || !part[..eq].Equals("Endpoint", StringComparison.OrdinalIgnoreCase)) continue;
            if (!Uri.TryCreate(part[(eq + 1)..], UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) return null;
            if (!part.Contains("SharedAccessKey", StringComparison.OrdinalIgnoreCase) &&
                !connectionString.Contains("SharedAccessKey", StringComparison.OrdinalIgnoreCase)) return null;
            return new EventHubsConnection(uri.Host.Split('.')[0], uri.Host);
        }
        return null;
    }
}
