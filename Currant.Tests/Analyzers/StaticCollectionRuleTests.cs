using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR1008, changes through static readonly state: a collection's Add, an indexer or member write (no code fix).</summary>
public sealed class StaticCollectionRuleTests
{
    [Test]
    public Task ChangesThroughStaticReadonlyState_InWorkflowAndHelpers_AreReported() => Verify.VerifyAsync("""
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Text;
        using System.Threading.Tasks;
        using Currant;

        public sealed class Settings { public int Retries { get; set; } }

        public static class Registry
        {
            public static readonly List<string> Seen = new();
            public static readonly ConcurrentDictionary<string, int> Counts = new();
            public static IDictionary<string, string> Names { get; } = new Dictionary<string, string>();
            public static readonly Settings Current = new();
            public static readonly int[] Slots = new int[4];
            public static readonly StringBuilder Log = new();

            public static void Remember(string id) => {|#0:Seen|}.Add(id);
        }

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync(string id)
            {
                Registry.Remember(id);
                {|#1:Registry.Counts|}.AddOrUpdate(id, 1, (_, n) => n + 1);
                {|#2:Registry.Names|}[id] = id;
                {|#3:Registry.Current|}.Retries = 3;
                {|#4:Registry.Slots|}[0] = 1;
                {|#5:Registry.Log|}.Append(id);
                return Task.FromResult(Registry.Seen.Count + Registry.Counts[id] + Registry.Current.Retries + Registry.Slots[0]);
            }
        }
        """,
        Verify.Diagnostic("CUR1008").WithLocation(0).WithArguments("Registry.Seen", "'Registry.Remember()', called from 'Order.RunAsync'", "changing"),
        Verify.Diagnostic("CUR1008").WithLocation(1).WithArguments("Registry.Counts", "'Order.RunAsync'", "changing"),
        Verify.Diagnostic("CUR1008").WithLocation(2).WithArguments("Registry.Names", "'Order.RunAsync'", "changing"),
        Verify.Diagnostic("CUR1008").WithLocation(3).WithArguments("Registry.Current", "'Order.RunAsync'", "changing"),
        Verify.Diagnostic("CUR1008").WithLocation(4).WithArguments("Registry.Slots", "'Order.RunAsync'", "changing"),
        Verify.Diagnostic("CUR1008").WithLocation(5).WithArguments("Registry.Log", "'Order.RunAsync'", "changing"));

    [Test]
    public Task StaticReadonlyCollections_ReadOrFilledInAStaticConstructor_AreSilent() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Currant;

        public static class Regions
        {
            public static readonly List<string> All = new();
            public static readonly Dictionary<string, int> Rank = new() { ["eu"] = 1 };

            static Regions()
            {
                All.Add("eu");
                All.Add("us");
            }
        }

        [Workflow]
        public partial class Order
        {
            private readonly List<string> _picked = new();

            public Task<int> RunAsync(string region)
            {
                _picked.Add(region);
                var local = new List<string>(Regions.All);
                local.Add("ap");
                return Task.FromResult(Regions.All.Count(r => r == region) + Regions.Rank["eu"] + local.Count + _picked.Count);
            }
        }
        """);

    [Test]
    public Task StaticCollections_OutsideWorkflows_AreSilent() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class Track
        {
            private static readonly List<string> Seen = new();
            public Task ExecuteAsync(string id) { Seen.Add(id); return Task.CompletedTask; }
        }
        """);

    [Test]
    public Task StaticCollections_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Order
        {
            private static readonly List<string> Seen = new();
            public Task RunAsync(string id) { Seen.Add(id); return Task.CompletedTask; }
        }
        """);
}
