using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Pipeline.Testing.Storage;

/// <summary>Marks a test class whose tests need a MongoDB server (see <see cref="MongoTestServer"/>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresMongoAttribute : Attribute;

/// <summary>
/// A [Fact] for contract tests written once in an abstract class and run by one subclass per store adapter. It is skipped,
/// visibly and with a reason, when the concrete class is marked <see cref="RequiresMongoAttribute"/> and no MongoDB server
/// is configured.
/// </summary>
[XunitTestCaseDiscoverer("Pipeline.Testing.Storage.StoreFactDiscoverer", "Pipeline.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var needsMongo = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresMongoAttribute)).Any();
        var skip = needsMongo && MongoTestServer.ConnectionString is null ? MongoTestServer.SkipReason : null;
        yield return new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, skip);
    }
}

/// <summary>An xunit test case whose skip reason is decided at discovery (xunit 2 reads it from the attribute otherwise).</summary>
public sealed class StoreTestCase : XunitTestCase
{
    private string? _skip;

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase() { }

    public StoreTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, string? skip)
        : base(sink, display, options, method)
    {
        _skip = skip;
    }

    protected override string? GetSkipReason(IAttributeInfo factAttribute) => _skip ?? base.GetSkipReason(factAttribute);

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("StoreSkip", _skip);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _skip = data.GetValue<string?>("StoreSkip");
        base.Deserialize(data);
    }
}
