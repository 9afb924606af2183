namespace Currant.Tests;

public sealed class SmokeTests
{
    [Test]
    public void Registry_WhenEmptyName_IsNotFound() => Assert.That(ExecutionRegistry.TryGet("no-such", out _), Is.False);
}
