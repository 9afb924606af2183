using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2007: entry method parameters that cannot be stored with an execution (no code fix).</summary>
public sealed class UnsupportedParameterRuleTests
{
    [Test]
    public Task UnsupportedParameters_AreReported() => Verify.VerifyAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public unsafe partial class Import
        {
            public Task ExecuteAsync(ref int {|#0:count|}, out string {|#1:name|}, in long {|#2:size|}, int* {|#3:pointer|}, CancellationToken {|#4:ct|}, int last)
            {
                name = "";
                return Task.CompletedTask;
            }
        }

        [Activity]
        public partial class Parse
        {
            public Task ExecuteAsync(ReadOnlySpan<byte> {|#5:bytes|}) => Task.CompletedTask;
        }
        """,
        Verify.Diagnostic("CUR2007").WithLocation(0).WithArguments("count", "Import.ExecuteAsync", "ref, out and in parameters cannot be stored with the execution; pass the value"),
        Verify.Diagnostic("CUR2007").WithLocation(1).WithArguments("name", "Import.ExecuteAsync", "ref, out and in parameters cannot be stored with the execution; pass the value"),
        Verify.Diagnostic("CUR2007").WithLocation(2).WithArguments("size", "Import.ExecuteAsync", "ref, out and in parameters cannot be stored with the execution; pass the value"),
        Verify.Diagnostic("CUR2007").WithLocation(3).WithArguments("pointer", "Import.ExecuteAsync", "pointers cannot be stored with the execution"),
        Verify.Diagnostic("CUR2007").WithLocation(4).WithArguments("ct", "Import.ExecuteAsync", "the worker supplies the CancellationToken, so it must be the last parameter"),
        Verify.Diagnostic("CUR2007").WithLocation(5).WithArguments("bytes", "Parse.ExecuteAsync", "ref struct types such as Span<T> cannot be stored with the execution; use an array or a string"));

    [Test]
    public Task ValueParametersAndTrailingToken_AreSilent() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class Import
        {
            public Task ExecuteAsync(int count, string name, byte[] data, List<string> tags, int? limit = null, params string[] extra) => Task.CompletedTask;
        }

        [Activity]
        public partial class Charge
        {
            public Task<int> ExecuteAsync(int amount, CancellationToken ct) => Task.FromResult(amount);
        }
        """);

    [Test]
    public Task UnsupportedParameters_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class JobAttribute : Attribute { }

        [Job]
        public partial class Import
        {
            public Task ExecuteAsync(ref int count) => Task.CompletedTask;
        }
        """);
}
