using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.WorkflowCodeAnalyzer, Currant.Analyzers.CodeFixes.UseWorkflowApiCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>
/// A fix that writes <c>Workflow.*</c> into a helper is offered only when the helper runs nowhere but in workflow
/// code: if an activity (or any other code) also calls it, directly or through another helper, Workflow.* would throw there.
/// </summary>
public sealed class FixWithheldTests
{
    [Test]
    public Task CodeFix_InHelperAlsoCalledOutsideWorkflows_IsWithheld() => VerifyFix.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        public static class Clock
        {
            public static DateTime Stamp() => {|CUR1001:DateTime.UtcNow|};
            public static DateTime Deadline() => Stamp().AddDays(3);
            public static Guid Key() => {|CUR1002:Guid.NewGuid()|};
        }

        [Activity]
        public partial class Charge
        {
            public Task<DateTime> ExecuteAsync() => Task.FromResult(Clock.Deadline());
        }

        [Workflow]
        public partial class Order
        {
            public Task<string> RunAsync() => Task.FromResult(Clock.Stamp().ToString("o") + Clock.Key());
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using Currant;

        public static class Clock
        {
            public static DateTime Stamp() => {|CUR1001:DateTime.UtcNow|};
            public static DateTime Deadline() => Stamp().AddDays(3);
            public static Guid Key() => Workflow.NewGuid();
        }

        [Activity]
        public partial class Charge
        {
            public Task<DateTime> ExecuteAsync() => Task.FromResult(Clock.Deadline());
        }

        [Workflow]
        public partial class Order
        {
            public Task<string> RunAsync() => Task.FromResult(Clock.Stamp().ToString("o") + Clock.Key());
        }
        """);

    [Test]
    public Task CodeFix_InHelperReachedOnlyThroughWorkflowHelpers_IsOffered() => VerifyFix.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        public static class Clock
        {
            public static DateTime Stamp() => {|CUR1001:DateTime.UtcNow|};
            public static DateTime Deadline => Stamp().AddDays(3);
        }

        [Workflow]
        public partial class Order
        {
            private readonly DateTime _due = Clock.Deadline;

            public Task<DateTime> RunAsync() => Task.FromResult(Later(() => Clock.Stamp()));

            private static DateTime Later(Func<DateTime> now) => now();
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using Currant;

        public static class Clock
        {
            public static DateTime Stamp() => Workflow.UtcNow;
            public static DateTime Deadline => Stamp().AddDays(3);
        }

        [Workflow]
        public partial class Order
        {
            private readonly DateTime _due = Clock.Deadline;

            public Task<DateTime> RunAsync() => Task.FromResult(Later(() => Clock.Stamp()));

            private static DateTime Later(Func<DateTime> now) => now();
        }
        """);
}
