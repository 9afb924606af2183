using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2003: Currant classes must not be generic (no code fix).</summary>
public sealed class GenericClassRuleTests
{
    [Test]
    public Task GenericClasses_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class {|CUR2003:Export|}<T>
        {
            public Task ExecuteAsync(T item) => Task.CompletedTask;
        }

        public partial class Outer<T>
        {
            [Activity]
            public partial class {|CUR2003:Charge|}
            {
                public Task<int> ExecuteAsync(int amount) => Task.FromResult(amount);
            }
        }
        """);

    [Test]
    public Task NonGenericClassesWithGenericMembers_AreSilent() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Currant;

        public abstract class ExporterBase<T> { }

        [Job]
        public partial class Export : ExporterBase<string>
        {
            public Task ExecuteAsync(List<string> items) => Task.CompletedTask;
        }
        """);

    [Test]
    public Task GenericClasses_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        public sealed class JobAttribute : Attribute { }

        [Job]
        public partial class Export<T> { }
        """);
}
