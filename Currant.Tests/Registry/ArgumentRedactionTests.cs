namespace Currant.Tests.Registry;

/// <summary>What [Sensitive] hides, and that in doubt it hides everything rather than nothing.</summary>
public sealed class ArgumentRedactionTests
{
    private static readonly ExecutionDefinition Definition = new()
    {
        Name = "RedactionProbe",
        Kind = ExecutionKind.Job,
        ParameterNames = ["customer", "card", "amount"],
        SensitiveParameters = ["card"],
        Invoke = _ => ValueTask.FromResult<byte[]?>(null),
    };

    [Test]
    public void Redact_ReplacesOnlyTheSensitivePositions()
        => Assert.That(ArgumentRedaction.Redact(Definition, """["ana", {"number": "4111"}, 12]"""), Is.EqualTo("""["ana","***",12]"""));

    [Test]
    public void Redact_WhenTheArgumentsAreNotAnArray_HidesThemWhole()
    {
        Assert.That(ArgumentRedaction.Redact(Definition, """{"card": "4111"}"""), Is.EqualTo("\"***\""));
        Assert.That(ArgumentRedaction.Redact(Definition, "not json"), Is.EqualTo("\"***\""));
    }

    [Test]
    public void Redact_OfANameTheRegistryDoesNotKnow_ShowsTheArgumentsAsStored()
        => Assert.That(ArgumentRedaction.Redact("NoSuchExecution", """["4111"]"""), Is.EqualTo("""["4111"]"""));

    [Test]
    public void Redact_OfAGeneratedDefinition_UsesWhatTheGeneratorRecorded()
    {
        Assert.That(ExecutionRegistry.TryGet("ChargeCardJob", out var definition), Is.True);
        Assert.That(definition!.SensitiveParameters, Is.EqualTo(new[] { "cardNumber" }));
        Assert.That(ArgumentRedaction.Redact("ChargeCardJob", """["ana", "4111111111111111", 1]"""), Is.EqualTo("""["ana","***",1]"""));
    }
}
