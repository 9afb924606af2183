namespace Currant.Tests.Client;

public sealed class NamesTests
{
    [TestCase("default")]
    [TestCase("q-0123456789abcdef0123456789abcdef")]
    [TestCase("Billing.v2:eu-west_1")]
    public void QueueName_WithinTheRule_IsAccepted(string queue)
    {
        Assert.DoesNotThrow(() => Names.CheckQueue(queue, "queue"));
        Assert.DoesNotThrow(() => Names.CheckQueue(new string('q', Names.MaxQueueLength), "queue"));
    }

    [TestCase("", "it is empty")]
    [TestCase("two words", "it contains U+0020")]
    [TestCase("émails", "it contains 'é'")]
    [TestCase("a/b", "it contains '/'")]
    [TestCase("tab\t", "it contains U+0009")]
    public void QueueName_OutsideTheRule_IsRefusedNamingTheValueAndTheRule(string queue, string problem)
    {
        var ex = Assert.Throws<ArgumentException>(() => Names.CheckQueue(queue, "queue"))!;

        Assert.That(ex.ParamName, Is.EqualTo("queue"));
        Assert.That(ex.Message, Does.Contain(problem).And.Contain(Names.QueueRule));
    }

    [Test]
    public void QueueName_OfTenThousandCharacters_IsRefusedWithAShortMessage()
    {
        var ex = Assert.Throws<ArgumentException>(() => Names.CheckQueue(new string('x', 10_000), "queue"))!;

        Assert.That(ex.Message, Does.StartWith($"The queue name '{new string('x', 40)}…' is not valid (it has 10,000 characters)"));
        Assert.That(ex.Message.Length, Is.LessThan(300));
    }

    [Test]
    public void QueueName_Null_IsRefusedWithArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => Names.CheckQueue(null, "queue"));
    }

    [TestCase("SendEmail")]
    [TestCase("billing.send-invoice")]
    [TestCase("Rechnung senden 🧾")]
    [TestCase("approve step 2")]
    public void ExecutionAndSignalNames_WithinTheRule_AreAccepted(string name)
    {
        Assert.DoesNotThrow(() => Names.CheckExecutionName(name, "name"));
        Assert.DoesNotThrow(() => Names.CheckSignalName(name, "name"));
        Assert.DoesNotThrow(() => Names.CheckSignalName(new string('s', Names.MaxNameLength), "name"));
    }

    [TestCase("", "it is empty")]
    [TestCase(" approve", "it starts or ends with white space")]
    [TestCase("approve\n", "it starts or ends with white space")]
    [TestCase("app\u0000rove", "it contains U+0000")]
    [TestCase("app\u007Frove", "it contains U+007F")]
    public void SignalName_OutsideTheRule_IsRefusedNamingTheProblem(string name, string problem)
    {
        var ex = Assert.Throws<ArgumentException>(() => Names.CheckSignalName(name, "name"))!;

        Assert.That(ex.Message, Does.Contain(problem).And.Contain("signal names are 1 to 256 characters"));
        Assert.That(ex.Message.Any(char.IsControl), Is.False, "control characters are shown escaped");
    }

    [Test]
    public void SignalName_WithAnUnpairedSurrogate_IsRefused()
    {
        // Built at run time: attribute arguments are stored as UTF-8, which cannot carry a lone surrogate.
        var name = "half " + (char)0xD83D + " pair";

        var ex = Assert.Throws<ArgumentException>(() => Names.CheckSignalName(name, "name"))!;

        Assert.That(ex.Message, Does.Contain(@"'half \uD83D pair' is not valid (it contains the unpaired surrogate U+D83D)"));
    }

    [Test]
    public void ExecutionName_Over256Characters_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Names.CheckExecutionName(new string('n', 257), "definition"))!;

        Assert.That(ex.Message, Does.Contain("(it has 257 characters): execution names are 1 to 256 characters"));
    }
}
