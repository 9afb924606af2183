using System.Collections;
using System.Reflection;
using Currant.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Currant.Tests.Generators;

/// <summary>
/// The generator must not redo work, or the IDE slows down on every keystroke: after an edit that does not change a
/// model, every tracked step is Cached or Unchanged, and no step output holds a Roslyn object (which would both break
/// caching and keep whole compilations alive).
/// </summary>
public sealed class ExecutionGeneratorIncrementalityTests
{
    private const string Jobs = """
        using Currant;

        namespace Demo;

        public sealed record EmailReceipt(string MessageId);

        [Job(Queue = "emails", Retries = 3, NonRetryable = [typeof(ArgumentException)])]
        public partial class SendEmail
        {
            public Task<EmailReceipt> ExecuteAsync(string to, string subject, string body = "Hi", CancellationToken ct = default)
                => Task.FromResult(new EmailReceipt(to));
        }
        """;

    private const string MoreJobs = """
        using Currant;

        namespace Demo;

        [Job(Name = "cleanup")]
        public partial class Cleanup
        {
            public Task ExecuteAsync(int days) => Task.CompletedTask;
        }
        """;

    private const string Workflows = """
        using Currant;

        namespace Demo;

        [Activity(Retries = 2, Timeout = 30)]
        public partial class ChargeCard
        {
            public Task<string> ExecuteAsync(int amount, CancellationToken ct) => Task.FromResult("tx-" + amount);
        }

        [Workflow(Queue = "orders", Version = 2)]
        public partial class ProcessOrder
        {
            public async Task<string> RunAsync(string orderId, int amount)
            {
                var charge = await ChargeCard.Run(amount);
                await SendEmail.Queue("customer@example.com", "Order " + orderId);
                return charge;
            }
        }
        """;

    private static readonly string[] AllTrackingNames = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    [Test]
    public void Generate_AfterUnrelatedEdit_ReusesEveryStep()
    {
        var compilation = GeneratorHarness.CreateCompilation("Incremental", Jobs, MoreJobs, Workflows);
        var edited = compilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("namespace Other; internal sealed class Unrelated { }", GeneratorHarness.ParseOptions, path: "Unrelated.cs"));

        var (first, second) = RunTwice(compilation, edited);

        AssertEveryStepReused(first, second);
        AssertOutputsCached(second);
    }

    [Test]
    public void Generate_AfterEditInsideRunAsyncBody_ReusesEveryStep()
    {
        var compilation = GeneratorHarness.CreateCompilation("Incremental", Jobs, MoreJobs, Workflows);
        var tree = compilation.SyntaxTrees.Skip(2).First();
        var newSource = Workflows.Replace("return charge;", "return charge + orderId;", StringComparison.Ordinal);
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(newSource, GeneratorHarness.ParseOptions, path: tree.FilePath));

        var (first, second) = RunTwice(compilation, edited);

        AssertEveryStepReused(first, second);
        AssertOutputsCached(second);
    }

    [Test]
    public void Generate_AfterEditInsideExecuteAsyncBody_ReusesEveryStep()
    {
        var compilation = GeneratorHarness.CreateCompilation("Incremental", Jobs, MoreJobs, Workflows);
        var tree = compilation.SyntaxTrees.First();
        var newSource = Jobs.Replace("Task.FromResult(new EmailReceipt(to))", "Task.FromResult(new EmailReceipt(to + subject))", StringComparison.Ordinal);
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(newSource, GeneratorHarness.ParseOptions, path: tree.FilePath));

        var (first, second) = RunTwice(compilation, edited);

        AssertEveryStepReused(first, second);
        AssertOutputsCached(second);
    }

    [Test]
    public void Generate_AfterParameterChange_RegeneratesOnlyThatClass()
    {
        var compilation = GeneratorHarness.CreateCompilation("Incremental", Jobs, MoreJobs, Workflows);
        var tree = compilation.SyntaxTrees.Skip(1).First();
        var newSource = MoreJobs.Replace("int days", "int days, bool dryRun", StringComparison.Ordinal);
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(newSource, GeneratorHarness.ParseOptions, path: tree.FilePath));

        var (_, second) = RunTwice(compilation, edited);

        var perClass = second.Results[0].TrackedSteps[TrackingNames.Execution].SelectMany(s => s.Outputs).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(perClass.Count(o => o.Reason == IncrementalStepRunReason.Modified), Is.EqualTo(1), "only Cleanup's model changed");
            Assert.That(perClass.Count(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged), Is.EqualTo(3), "the other models are reused");
            Assert.That(
                second.Results[0].TrackedSteps[TrackingNames.Registry].SelectMany(s => s.Outputs).Select(o => o.Reason),
                Is.All.EqualTo(IncrementalStepRunReason.Unchanged),
                "the registry lists the same names, so it is not rewritten");
        });
    }

    private static (GeneratorDriverRunResult First, GeneratorDriverRunResult Second) RunTwice(Compilation compilation, Compilation edited)
    {
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult();
        Assert.That(first.GeneratedTrees, Has.Length.EqualTo(5), "SendEmail, Cleanup, ChargeCard, ProcessOrder and the registry");
        driver = driver.RunGenerators(edited);
        return (first, driver.GetRunResult());
    }

    private static void AssertEveryStepReused(GeneratorDriverRunResult first, GeneratorDriverRunResult second)
    {
        var firstSteps = first.Results[0].TrackedSteps;
        var secondSteps = second.Results[0].TrackedSteps;
        Assert.That(firstSteps.Keys, Is.SupersetOf(AllTrackingNames), "every tracking name should name a step that ran");

        foreach (var name in AllTrackingNames)
        {
            var before = firstSteps[name];
            var after = secondSteps[name];
            Assert.That(after, Has.Length.EqualTo(before.Length), name);
            for (var i = 0; i < before.Length; i++)
            {
                Assert.That(
                    after[i].Outputs.Select(o => o.Value).ToList(),
                    Is.EqualTo(before[i].Outputs.Select(o => o.Value).ToList()),
                    $"{name} should produce equal outputs on both runs");
                Assert.That(
                    after[i].Outputs.Select(o => o.Reason).ToList(),
                    Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged),
                    $"{name} should be reused on the second run");
                AssertHoldsNoRoslynObjects(before[i], name);
                AssertHoldsNoRoslynObjects(after[i], name);
            }
        }
    }

    private static void AssertOutputsCached(GeneratorDriverRunResult second)
    {
        var outputs = second.Results[0].TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.That(outputs, Is.Not.Empty);
        Assert.That(outputs.Select(o => o.Reason), Is.All.EqualTo(IncrementalStepRunReason.Cached), "no source should be regenerated");
    }

    /// <summary>Walks a step's outputs (fields, recursively) and fails on any symbol, syntax, compilation or location.</summary>
    private static void AssertHoldsNoRoslynObjects(IncrementalGeneratorRunStep step, string stepName)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var (value, _) in step.Outputs)
        {
            Visit(value, stepName);
        }

        void Visit(object? node, string path)
        {
            if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum || !visited.Add(node))
            {
                return;
            }

            if (node is Compilation or ISymbol or SyntaxNode or SyntaxTree or SemanticModel or Location or AttributeData
                or IOperation or SyntaxToken or SyntaxTrivia or TypedConstant)
            {
                Assert.Fail($"{path} holds a {node.GetType().Name}: pipeline outputs must be plain values.");
            }

            if (node is IEnumerable items)
            {
                var index = 0;
                foreach (var item in items)
                {
                    Visit(item, $"{path}[{index++}]");
                }

                return;
            }

            for (var type = node.GetType(); type is not null && type != typeof(object); type = type.BaseType)
            {
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    Visit(field.GetValue(node), $"{path}.{field.Name}");
                }
            }
        }
    }
}
