using Pipeline.Ingestion.Webhooks;

namespace Pipeline.UnitTests.Webhooks;

public sealed class WebhookOptionsTests
{
    private static readonly WebhookOptionsValidator Validator = new();

    [Fact]
    public void Defaults_match_github_limits()
    {
        var o = new WebhookOptions();
        Assert.Equal("GitHub", WebhookOptions.SectionName);
        Assert.Equal(26214400, o.MaxBodyBytes);
        Assert.True(o.RequireSignature);
    }

    [Fact]
    public void Missing_secret_names_the_key()
    {
        var result = Validator.Validate(null, new WebhookOptions());
        Assert.True(result.Failed);
        Assert.Contains("GitHub:WebhookSecret", result.FailureMessage);
    }

    [Fact]
    public void Signature_may_be_off_only_without_secrets()
    {
        Assert.True(Validator.Validate(null, new WebhookOptions { RequireSignature = false, DurableAcceptance = false }).Succeeded);
        Assert.True(Validator.Validate(null, new WebhookOptions { RequireSignature = false, WebhookSecret = "s" }).Failed);
    }

    [Fact]
    public void Single_and_list_secrets_are_merged_without_blanks_or_repeats()
    {
        var o = new WebhookOptions { DurableAcceptance = false, WebhookSecret = "a", WebhookSecrets = ["b", " ", "a", "c "] };
        Assert.Equal(["b", "a", "c"], o.AllSecrets());
        Assert.True(Validator.Validate(null, o).Succeeded);
    }

    [Fact]
    public void Signature_of_githubs_documented_example_matches()
    {
        // docs.github.com "Validating webhook deliveries" test values.
        var body = "Hello, World!"u8.ToArray();
        Assert.Equal("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", WebhookSignatureVerifier.Sign(body, "It's a Secret to Everybody"));
        Assert.Equal(SignatureCheck.Valid, new WebhookSignatureVerifier(["It's a Secret to Everybody"]).Verify(body, "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
        Assert.Equal(SignatureCheck.Valid, new WebhookSignatureVerifier(["It's a Secret to Everybody"]).Verify(body, "SHA256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17"));
    }
}
