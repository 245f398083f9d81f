using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Ingestion;
using Pipeline.Ingestion.Consumer;
using Pipeline.Ingestion.Kafka;

namespace Pipeline.UnitTests.Kafka;

public sealed class KafkaOptionsTests
{
    private const string EventHubs =
        "Endpoint=sb://pipeline-ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=abc123=";

    private static ValidateOptionsResult Validate(KafkaOptions o) => new KafkaOptionsValidator().Validate(null, o);

    [Fact]
    public void Defaults_with_bootstrap_servers_are_valid_and_match_the_documented_names()
    {
        var o = new KafkaOptions { BootstrapServers = "localhost:9092" };
        Assert.True(Validate(o).Succeeded);
        Assert.Equal("github.events", o.Topic);
        Assert.Equal("github.events.dlq", o.DeadLetterTopic);
        Assert.Equal("pipeline-consumer", o.ConsumerGroup);
        Assert.Equal(3, o.MaxDeliveryAttempts);
        Assert.Equal("Kafka", KafkaOptions.SectionName);
    }

    [Fact]
    public void Missing_bootstrap_servers_names_the_key()
    {
        var result = Validate(new KafkaOptions());
        Assert.True(result.Failed);
        Assert.Contains("Kafka:BootstrapServers is required", result.FailureMessage);
    }

    [Theory]
    [InlineData(nameof(KafkaOptions.Topic), "", "Kafka:Topic is required")]
    [InlineData(nameof(KafkaOptions.DeadLetterTopic), "github.events", "Kafka:DeadLetterTopic must differ from Kafka:Topic")]
    [InlineData(nameof(KafkaOptions.ConsumerGroup), " ", "Kafka:ConsumerGroup is required")]
    [InlineData(nameof(KafkaOptions.SecurityProtocol), "tls", "Kafka:SecurityProtocol 'tls' is not one of")]
    [InlineData(nameof(KafkaOptions.SaslMechanism), "kerberos", "Kafka:SaslMechanism 'kerberos' is not one of")]
    [InlineData(nameof(KafkaOptions.ProducerCompression), "brotli", "Kafka:ProducerCompression 'brotli' is not one of")]
    [InlineData(nameof(KafkaOptions.ConsumerAutoOffsetReset), "middle", "Kafka:ConsumerAutoOffsetReset must be earliest or latest")]
    [InlineData(nameof(KafkaOptions.EventHubsConnectionString), "not a connection string", "Kafka:EventHubsConnectionString must look like")]
    public void Bad_values_are_reported_with_their_key(string property, string value, string message)
    {
        var o = new KafkaOptions { BootstrapServers = "localhost:9092" };
        typeof(KafkaOptions).GetProperty(property)!.SetValue(o, value);
        var result = Validate(o);
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
    }

    [Theory]
    [InlineData(nameof(KafkaOptions.MaxDeliveryAttempts), 0, "Kafka:MaxDeliveryAttempts must be at least 1")]
    [InlineData(nameof(KafkaOptions.ConsumerBatchSize), 0, "Kafka:ConsumerBatchSize must be positive")]
    [InlineData(nameof(KafkaOptions.ConsumerSessionTimeoutMs), 10, "Kafka:ConsumerSessionTimeoutMs must be at least 1000")]
    [InlineData(nameof(KafkaOptions.StoreRetryMaxDelayMs), 1, "Kafka:StoreRetryMaxDelayMs must be at least Kafka:StoreRetryInitialDelayMs")]
    [InlineData(nameof(KafkaOptions.ProducerLingerMs), -1, "Kafka:ProducerLingerMs must be between 0 and 900000")]
    [InlineData(nameof(KafkaOptions.ConsumerFetchMinBytes), 0, "Kafka:ConsumerFetchMinBytes must be between 1 and 100000000")]
    public void Bad_numbers_are_reported_with_their_key(string property, int value, string message)
    {
        var o = new KafkaOptions { BootstrapServers = "localhost:9092" };
        typeof(KafkaOptions).GetProperty(property)!.SetValue(o, value);
        var result = Validate(o);
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
    }

    [Fact]
    public void The_consumer_fetches_batches_and_the_setting_reaches_librdkafka()
    {
        Assert.Equal(262_144, new ClientConfigFactory(Options.Create(new KafkaOptions { BootstrapServers = "b:9092" })).CreateConsumerConfig().FetchMinBytes);
        var c = new ClientConfigFactory(Options.Create(new KafkaOptions { BootstrapServers = "b:9092", ConsumerFetchMinBytes = 1 })).CreateConsumerConfig();
        Assert.Equal(1, c.FetchMinBytes);
        Assert.Equal(100, c.FetchWaitMaxMs);
    }

    [Fact]
    public void Sasl_without_credentials_names_both_keys()
    {
        var result = Validate(new KafkaOptions { BootstrapServers = "b:9093", SecurityProtocol = "SASL_SSL" });
        Assert.Contains("Kafka:SaslUsername is required", result.FailureMessage);
        Assert.Contains("Kafka:SaslPassword is required", result.FailureMessage);
    }

    [Fact]
    public void Event_hubs_connection_string_alone_configures_the_kafka_endpoint()
    {
        var o = new KafkaOptions { EventHubsConnectionString = EventHubs };
        Assert.True(Validate(o).Succeeded);
        var configs = new ClientConfigFactory(Options.Create(o));
        var p = configs.CreateProducerConfig();
        Assert.Equal("pipeline-ns.servicebus.windows.net:9093", p.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslSsl, p.SecurityProtocol);
        Assert.Equal(SaslMechanism.Plain, p.SaslMechanism);
        Assert.Equal("$ConnectionString", p.SaslUsername);
        Assert.Equal(EventHubs, p.SaslPassword);
        Assert.Equal(1_000_000, p.MessageMaxBytes);
        Assert.Equal(60_000, p.RequestTimeoutMs);
        Assert.True(p.ConnectionsMaxIdleMs < 240_000);
        Assert.True(p.MetadataMaxAgeMs < 240_000);
        var c = configs.CreateConsumerConfig();
        Assert.Equal("pipeline-ns.servicebus.windows.net:9093", c.BootstrapServers);
        Assert.Equal("$ConnectionString", c.SaslUsername);
    }

    [Fact]
    public void Explicit_sasl_settings_are_passed_through()
    {
        var o = new KafkaOptions
        {
            BootstrapServers = "ns.servicebus.windows.net:9093",
            SecurityProtocol = "SaslSsl",
            SaslMechanism = "PLAIN",
            SaslUsername = "$ConnectionString",
            SaslPassword = EventHubs,
        };
        Assert.True(Validate(o).Succeeded);
        var p = new ClientConfigFactory(Options.Create(o)).CreateProducerConfig();
        Assert.Equal(SecurityProtocol.SaslSsl, p.SecurityProtocol);
        Assert.Equal("$ConnectionString", p.SaslUsername);
        Assert.Equal(EventHubs, p.SaslPassword);
    }

    [Fact]
    public void Producer_is_idempotent_and_consumer_never_commits_on_its_own()
    {
        var configs = new ClientConfigFactory(Options.Create(new KafkaOptions { BootstrapServers = "localhost:9092", ProducerLingerMs = 7 }));
        var p = configs.CreateProducerConfig();
        Assert.True(p.EnableIdempotence);
        Assert.Equal(Acks.All, p.Acks);
        Assert.Equal(7, p.LingerMs);
        Assert.Equal(SecurityProtocol.Plaintext, p.SecurityProtocol);
        var c = configs.CreateConsumerConfig();
        Assert.False(c.EnableAutoCommit);
        Assert.False(c.EnableAutoOffsetStore);
        Assert.Equal("pipeline-consumer", c.GroupId);
        Assert.Equal(AutoOffsetReset.Earliest, c.AutoOffsetReset);
    }

    [Fact]
    public void AddPipelineKafka_binds_environment_style_keys_and_fails_fast_on_bad_config()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:1",
            ["Kafka:Topic"] = "custom.events",
            ["Kafka:MaxDeliveryAttempts"] = "5",
        }).Build();
        using var sp = new ServiceCollection().AddLogging().AddPipelineKafka(config).BuildServiceProvider();
        var o = sp.GetRequiredService<IOptions<KafkaOptions>>().Value;
        Assert.Equal("custom.events", o.Topic);
        Assert.Equal(5, o.MaxDeliveryAttempts);
        Assert.IsType<KafkaEventPublisher>(sp.GetRequiredService<IEventPublisher>());
        Assert.NotNull(sp.GetRequiredService<DeadLetterPublisher>());

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Kafka:Topic"] = "x" }).Build();
        using var badSp = new ServiceCollection().AddLogging().AddPipelineKafka(bad).BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => badSp.GetRequiredService<IOptions<KafkaOptions>>().Value);
        Assert.Contains("Kafka:BootstrapServers is required", ex.Message);
    }

    [Fact]
    public void AddPipelineConsumer_registers_the_hosted_consumer_and_its_status()
    {
        var services = new ServiceCollection().AddPipelineConsumer();
        Assert.Contains(services, d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService));
        Assert.Contains(services, d => d.ServiceType == typeof(ConsumerStatusTracker));
    }
}
