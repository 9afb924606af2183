using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR1010: order-sensitive enumeration of Hashtable, ImmutableHashSet and ImmutableDictionary (no code fix).</summary>
public sealed class HashOrderRuleTests
{
    [Test]
    public Task HashOrderedEnumeration_InWorkflowAndHelpers_IsReported() => Verify.VerifyAsync("""
        using System.Collections;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Linq;
        using System.Threading.Tasks;
        using Currant;

        public static class Pick
        {
            public static string First(ImmutableHashSet<string> names) => {|#0:names.First()|};
        }

        [Workflow]
        public partial class Fanout
        {
            public async Task<string> RunAsync(ImmutableHashSet<string> names, ImmutableDictionary<string, int> quotas, Hashtable legacy)
            {
                foreach (var name in {|#1:names|})
                {
                    await Workflow.Sleep(System.TimeSpan.FromSeconds(1));
                }

                var keys = {|CUR1010:quotas.Keys.Where(k => k.Length > 1).ToList()|};
                foreach (DictionaryEntry entry in {|CUR1010:legacy|})
                {
                }

                List<string> copy = [{|CUR1010:..names|}];
                return Pick.First(names) + {|CUR1010:string.Join(",", names.Select(n => n.ToUpperInvariant()))|} + keys.Count + copy.Count;
            }
        }
        """,
        Verify.Diagnostic("CUR1010").WithLocation(0).WithArguments("Enumerable.First()", "'Pick.First()', called from 'Fanout.RunAsync'", "ImmutableHashSet<string>"),
        Verify.Diagnostic("CUR1010").WithLocation(1).WithArguments("foreach", "'Fanout.RunAsync'", "ImmutableHashSet<string>"));

    [Test]
    public Task OrderIndependentUsesAndStableOrders_AreSilent() => Verify.VerifyAsync("""
        using System.Collections.Frozen;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Linq;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Fanout
        {
            public Task<int> RunAsync(ImmutableHashSet<string> names, ImmutableHashSet<int> ids, ImmutableDictionary<string, int> quotas)
            {
                var sorted = names.OrderBy(n => n, System.StringComparer.Ordinal).ToList();
                var total = quotas.Values.Sum() + quotas.Count(q => q.Value > 1) + (names.Contains("a") ? 1 : 0);
                var byId = ids.ToList();
                foreach (var id in ids)
                {
                    total += id;
                }

                var inserted = new Dictionary<string, int> { ["b"] = 2, ["a"] = 1 };
                var set = new HashSet<string> { "x", "y" };
                var frozen = inserted.ToFrozenDictionary();
                foreach (var (key, value) in inserted)
                {
                    total += key.Length + value + frozen[key];
                }

                return Task.FromResult(total + sorted.Count + byId.Count + set.First().Length + names.Any(n => n == "a").GetHashCode());
            }
        }
        """);

    [Test]
    public Task HashOrderedEnumeration_OutsideWorkflows_IsSilent() => Verify.VerifyAsync("""
        using System.Collections.Immutable;
        using System.Linq;
        using System.Threading.Tasks;
        using Currant;

        [Activity]
        public partial class Notify
        {
            public Task<string> ExecuteAsync(ImmutableHashSet<string> names) => Task.FromResult(string.Join(",", names) + names.First());
        }
        """);

    [Test]
    public Task HashOrderedEnumeration_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Collections.Immutable;
        using System.Linq;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Fanout
        {
            public Task<string> RunAsync(ImmutableHashSet<string> names) => Task.FromResult(names.First());
        }
        """);
}
