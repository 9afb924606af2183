using Microsoft.CodeAnalysis;

namespace Currant.Analyzers;

/// <summary>
/// Every rule Currant reports. IDs are never reused: CUR1xxx determinism (warnings), CUR2xxx declaration shape
/// (errors: the source generator silently skips classes it cannot use and relies on these), CUR3xxx API usage.
/// Each ID has a help page in <c>Currant.Analyzers/docs/</c> and a line in the release tracking files.
/// </summary>
internal static class DiagnosticDescriptors
{
    /// <summary>Where the help pages are published; each rule's page is <c>{HelpLinkBase}CUR####.md</c>.</summary>
    public const string HelpLinkBase = "https://github.com/currant-dotnet/currant/blob/main/Currant.Analyzers/docs/";

    // ---- CUR1xxx: determinism. Message argument {1} is where: "'Clock.Stamp()', called from 'ProcessOrder.RunAsync'".

    public static readonly DiagnosticDescriptor WallClock = Create(
        "CUR1001", DiagnosticCategories.Determinism, DiagnosticSeverity.Warning,
        "Workflow code must not read the clock",
        "'{0}' in {1}: the wall clock is not replayed; use 'Workflow.UtcNow'",
        "DateTime.Now/UtcNow/Today, DateTimeOffset.Now/UtcNow, TimeProvider, Environment.TickCount and Stopwatch return a different time when a workflow replays. Workflow.UtcNow returns workflow time, which replay reproduces exactly and which takes no place in history.");

    public static readonly DiagnosticDescriptor Randomness = Create(
        "CUR1002", DiagnosticCategories.Determinism, DiagnosticSeverity.Warning,
        "Workflow code must not use random values or new GUIDs",
        "'{0}' in {1}: random values and new GUIDs are not replayed; use 'Workflow.NewGuid()' or 'Workflow.Random'",
        "Guid.NewGuid(), new Random(), Random.Shared, RandomNumberGenerator and per-process string hash codes give different values when a workflow replays. Workflow.NewGuid() and Workflow.Random return values recorded in (or seeded from) the workflow's history.");

    public static readonly DiagnosticDescriptor RealTimeWait = Create(
        "CUR1003", DiagnosticCategories.Determinism, DiagnosticSeverity.Warning,
        "Workflow code must not wait on real time",
        "'{0}' in {1}: real-time waits and timeouts do not survive replay; use 'Workflow.Sleep' (a durable timer) or 'Workflow.WaitForSignal' with a timeout",
        "Task.Delay, Thread.Sleep, CancellationTokenSource timeouts, PeriodicTimer and timers hold a worker and fire at a different point when a workflow replays. Workflow.Sleep is a durable timer: no worker is held and it survives restarts.");

    public static readonly DiagnosticDescriptor Threading = Create(
        "CUR1004", DiagnosticCategories.Determinism, DiagnosticSeverity.Warning,
        "Workflow code must not start threads or thread-pool work",
        "'{0}' in {1}: workflow code runs on one deterministic scheduler and must not start threads or thread-pool work; run the work in activities and await them with 'Task.WhenAll'",
        "Task.Run, Task.Factory.StartNew, new Thread, ThreadPool, Parallel, TaskScheduler.Default (ContinueWith(..., TaskScheduler.Default)) and CancellationTokenSource.CancelAsync run code outside the workflow's single-threaded scheduler, in an order replay cannot reproduce.");

    public static readonly DiagnosticDescriptor ConfigureAwaitFalse = Create(
        "CUR1005", DiagnosticCategories.Determinism, DiagnosticSeverity.Warning,
        "Workflow code must not use ConfigureAwait(false)",
        "'{0}' in {1}: continuing off the workflow scheduler breaks replay; remove 'ConfigureAwait(false)'",
        "ConfigureAwait(false) continues on the thread pool instead of the workflow's deterministic scheduler, so the rest of the workflow runs outside replay's control.");

    public static readonly DiagnosticDescriptor BlockingWait = Create(
        "CUR1006", DiagnosticCategories.Determinism, DiagnosticSeverity.Warning,
        "Workflow code must not block",
        "'{0}' in {1}: a blocking wait holds the only thread of the workflow scheduler, so the work it waits for can never run there; await instead",
        ".Result, .Wait(), Task.WaitAll/WaitAny, GetAwaiter().GetResult(), wait handles (Mutex, Semaphore, ManualResetEvent, AutoResetEvent, WaitHandle.WaitOne/WaitAll/WaitAny), SemaphoreSlim.Wait, ManualResetEventSlim.Wait, CountdownEvent.Wait, Barrier.SignalAndWait, Monitor.Wait, Thread.Join and SpinWait.SpinUntil block the only thread the workflow scheduler has.");

    public static readonly DiagnosticDescriptor OutsideWorld = Create(
        "CUR1007", DiagnosticCategories.Determinism, DiagnosticSeverity.Warning,
        "Workflow code must not touch the outside world",
        "'{0}' in {1}: {2} is outside the workflow's history; move it into an activity or 'Workflow.Step'",
        "Files, the network, databases, environment variables and machine facts, console input, processes, pipes and memory-mapped files give different answers (and repeat their side effects) when a workflow replays. Activities and Workflow.Step record their results.");

    public static readonly DiagnosticDescriptor SharedState = Create(
        "CUR1008", DiagnosticCategories.Determinism, DiagnosticSeverity.Warning,
        "Workflow code must not use mutable static state",
        "'{0}' in {1}: {2} mutable static state shares it between workflow runs, and replay does not restore it; keep state in the workflow instance or pass it as an argument",
        "A static field or settable static property of your own types, or a collection held in a static readonly one and changed in place (Add, Remove, an indexer), is shared by every workflow on the worker and survives between replays, so a replay can see values another run left behind.");

    public static readonly DiagnosticDescriptor Culture = Create(
        "CUR1009", DiagnosticCategories.Determinism, DiagnosticSeverity.Warning,
        "Workflow code must not depend on the current culture",
        "'{0}' in {1}: the current culture is a setting of each worker process, so text formatted or parsed with it can differ on replay; pass 'CultureInfo.InvariantCulture' (or a fixed culture)",
        "CultureInfo.CurrentCulture and CurrentUICulture (and formatting or parsing DateTime, DateTimeOffset, double, float and decimal without a format provider, which reads them) depend on the machine or container a worker runs on, so a replay on another worker can format or parse differently.");

    public static readonly DiagnosticDescriptor HashOrder = Create(
        "CUR1010", DiagnosticCategories.Determinism, DiagnosticSeverity.Warning,
        "Workflow code must not depend on hash order",
        "'{0}' in {1}: '{2}' enumerates in an order that depends on per-process hash codes, so it can differ on replay; sort first (OrderBy) or use a sorted or insertion-ordered collection",
        "Hashtable, ImmutableHashSet<T> and ImmutableDictionary<TKey, TValue> enumerate in hash-code order; string hash codes (and those of most other keys) are randomized per process, so a foreach or an order-sensitive LINQ call over them gives a different order on another worker. Dictionary<TKey, TValue> and HashSet<T> keep insertion order and are not reported.");

    public static readonly DiagnosticDescriptor StepWritesOutside = Create(
        "CUR1011", DiagnosticCategories.Determinism, DiagnosticSeverity.Warning,
        "Step bodies must not assign variables outside the step",
        "'{0}' in {1}: the step body does not run when the workflow replays, so this assignment is lost then; return the value from the step and assign the result in workflow code",
        "Workflow.Step runs its body once and records only its result: on replay the recorded result is returned and the body does not run. A local, parameter or field of the workflow assigned inside the body keeps its old value on replay, so the workflow code after the step behaves differently.");

    // ---- CUR2xxx: declaration shape (errors).

    public static readonly DiagnosticDescriptor ClassNotPartial = Create(
        "CUR2001", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Currant classes must be partial",
        "[{0}] class '{1}' must be partial: the source generator adds its static stubs to it",
        "The source generator adds static Queue/Run/Options members to each [Job], [Activity] and [Workflow] class, which needs the class to be partial.");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Create(
        "CUR2002", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Types containing a Currant class must be partial",
        "[{0}] class '{1}' is nested in '{2}', which must be partial too",
        "To add members to a nested class, the source generator must redeclare every type that contains it, so those must be partial as well.");

    public static readonly DiagnosticDescriptor GenericClass = Create(
        "CUR2003", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Currant classes must not be generic",
        "[{0}] class '{1}' must not be generic or nested in a generic type: an execution name must map to one concrete class",
        "The registry maps each persisted execution name to one concrete class; an open generic class has no single type the worker could create.");

    public static readonly DiagnosticDescriptor MissingEntryMethod = Create(
        "CUR2004", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Currant class has no entry method",
        "[{0}] class '{1}' declares no '{2}' method; declare 'public async Task {2}(...)' in the class itself",
        "Jobs and activities run their ExecuteAsync method and workflows their RunAsync method, declared in the class itself (an inherited one is not used); without it there is nothing to queue or run.");

    public static readonly DiagnosticDescriptor AmbiguousEntryMethod = Create(
        "CUR2005", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Currant class has more than one entry method",
        "[{0}] class '{1}' declares {2} '{3}' methods; keep exactly one so the worker knows which to call",
        "Arguments are persisted by position and name, not by overload, so a class must have exactly one ExecuteAsync (jobs, activities) or RunAsync (workflows).");

    public static readonly DiagnosticDescriptor UnsupportedEntryMethod = Create(
        "CUR2006", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Entry method has an unsupported shape",
        "'{0}' cannot be the entry method of [{1}] class '{2}': {3}",
        "The entry method must be a public, non-generic instance method returning Task, Task<T>, ValueTask or ValueTask<T>.");

    public static readonly DiagnosticDescriptor UnsupportedParameter = Create(
        "CUR2007", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Entry method parameter is not supported",
        "Parameter '{0}' of '{1}' is not supported: {2}",
        "Arguments are serialized into the queued execution with System.Text.Json, so they must be passed by value: ref, out and in parameters, pointers and ref structs cannot be. A CancellationToken is supplied by the worker and must be the last parameter.");

    public static readonly DiagnosticDescriptor DuplicateExecutionName = Create(
        "CUR2008", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Execution names must be unique",
        "Execution name '{0}' is used by both '{1}' and '{2}'; names are persisted, so each must be unique (set Name = \"...\" on the attribute)",
        "The execution name (the class name unless the attribute sets Name) is what is stored and what a worker looks up, so two classes with the same name in one assembly cannot both be run.");

    public static readonly DiagnosticDescriptor NotInstantiable = Create(
        "CUR2009", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Currant classes must be instantiable",
        "[{0}] class '{1}' must not be {2}: the worker creates an instance to run it",
        "The worker creates an instance of the class (constructor arguments from the service provider) for each run, so the class cannot be static or abstract.");

    public static readonly DiagnosticDescriptor ConflictingKinds = Create(
        "CUR2010", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "A class is one kind of execution",
        "Class '{0}' carries both [{1}] and [{2}]; a class is exactly one of job, activity or workflow",
        "[Job], [Activity] and [Workflow] give a class different generated members and different runtime semantics; combine them by calling one from another instead.");

    public static readonly DiagnosticDescriptor UnusableConstructor = Create(
        "CUR2011", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Currant class needs one usable public constructor",
        "[{0}] class '{1}' {2}: the worker creates it with its public constructor that has the most parameters, supplied by the service provider",
        "The generated invoker creates the class with the public constructor that has the most parameters, each supplied by the service provider. It needs exactly one such constructor, parameters that can be passed by value, and the constructor must set any required members.");

    public static readonly DiagnosticDescriptor InvalidRetrySetting = Create(
        "CUR2040", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Retry and heartbeat settings must be valid",
        "[{0}] {1} = {2} on '{3}' {4}",
        "RetryDelay and RetryMaxDelay are seconds between attempts (RetryMaxDelay not below RetryDelay), RetryBackoff multiplies each further delay and is at least 1 (1 polls at a constant pace), HeartbeatTimeout is seconds and 0 means none. The source generator leaves an invalid value out, so the worker's default would apply silently.");

    // ---- Workflow handlers ([Signal], [Query], [Update], [UpdateValidator]), issue 12.

    public static readonly DiagnosticDescriptor ReadOnlyHandlerChangesState = Create(
        "CUR1020", DiagnosticCategories.Determinism, DiagnosticSeverity.Warning,
        "Queries and update validators must only read workflow state",
        "The {0} {1}: a query or validator runs without being recorded (on a cached instance or a throwaway replay), so it must only read the workflow's state",
        "A query is answered from whatever instance a worker holds, or from a replay thrown away afterwards, and is never recorded; an update validator runs before the update is recorded and leaves no trace when it rejects. A write there changes the workflow on one worker and not on a replay, and a Workflow.* call, a Run/Queue stub or a signal would record or wait where nothing may be recorded. Read fields and return; change state in a [Signal] or [Update] method.");

    public static readonly DiagnosticDescriptor HandlerShape = Create(
        "CUR2020", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Workflow handler has an unsupported shape",
        "[{0}] method '{1}': {2}",
        "Signal, query and update handlers are instance methods of a [Workflow] class, called by name with JSON arguments: a [Signal] returns void or Task, a [Query] returns a value (never a task: it answers at once), an [Update] returns anything, an [UpdateValidator] returns void and throws to reject. Parameters are passed by value and no CancellationToken is taken. The source generator skips a handler that breaks a rule.");

    public static readonly DiagnosticDescriptor ValidatorMismatch = Create(
        "CUR2021", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Update validator does not fit its update",
        "[UpdateValidator] '{0}' {1}",
        "An [UpdateValidator(nameof(X))] method receives the same arguments as the [Update] method X of the same workflow: it must name an [Update] method and take the same parameter types in the same order. The source generator ignores a validator that does not fit, so the update would run unvalidated.");

    public static readonly DiagnosticDescriptor DuplicateHandler = Create(
        "CUR2022", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "Workflow handler name is not unique",
        "[{0}] method '{1}': {2}",
        "Signals, queries and updates reach their handler by name, so a workflow has at most one handler of each kind per name (the method name, or the attribute's Name), and a handler method is not overloaded. The source generator keeps only the first and skips overloaded ones.");

    // ---- CUR3xxx: API usage.

    public static readonly DiagnosticDescriptor RunOutsideWorkflow = Create(
        "CUR3001", DiagnosticCategories.Usage, DiagnosticSeverity.Warning,
        "'Run' is only valid in workflow code",
        "'{0}' runs an activity or child workflow and only works in workflow code, but {1} is not workflow code",
        "The generated Run(...) of an activity or workflow records a step in the calling workflow's history, so it only works while a workflow runs. Outside workflows, queue a job or workflow with Queue(...).");

    public static readonly DiagnosticDescriptor QueueInWorkflow = Create(
        "CUR3002", DiagnosticCategories.Usage, DiagnosticSeverity.Warning,
        "Workflow code must not enqueue without recording it",
        "'{0}' in {1}: the client enqueues at once and nothing records it, so every replay enqueues again; call the generated 'Queue(...)' of the job or workflow (recorded in workflow code) or wrap the call in 'Workflow.Step'",
        "ICurrantClient.EnqueueAsync/EnqueueManyAsync write new executions straight away. Workflow code runs again on every replay, so each replay would enqueue another copy. The generated Queue(...) and QueueMany(...) stubs record the enqueue when called from workflow code; Workflow.Step records any other call.");

    public static readonly DiagnosticDescriptor NonConstantChangeId = Create(
        "CUR3003", DiagnosticCategories.Usage, DiagnosticSeverity.Warning,
        "GetVersion change id must be a constant",
        "The change id passed to 'Workflow.GetVersion' must be a constant: a computed id can differ on replay and no longer match the history",
        "Workflow.GetVersion records its result under the change id; an id computed at run time may differ between the first run and a replay, so the recorded version is not found.");

    public static readonly DiagnosticDescriptor VersionRangeInverted = Create(
        "CUR3004", DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "GetVersion minimum must not exceed maximum",
        "'Workflow.GetVersion(\"{0}\", {1}, {2})': minSupported is greater than maxSupported, so every call fails",
        "Workflow.GetVersion(changeId, minSupported, maxSupported) fails for any version outside [minSupported, maxSupported]; with the bounds inverted that range is empty.");

    public static readonly DiagnosticDescriptor WorkflowConstructorParameters = Create(
        "CUR3005", DiagnosticCategories.Usage, DiagnosticSeverity.Warning,
        "Workflows must not take constructor parameters",
        "Workflow '{0}' takes constructor parameters; services injected into a workflow reach the outside world without being replayed, so keep the constructor parameterless and call activities",
        "Jobs and activities get constructor arguments from dependency injection; a workflow is replayed, so anything it receives from outside its history makes it nondeterministic. Do that work in activities.");

    public static readonly DiagnosticDescriptor WorkflowApiOutsideWorkflow = Create(
        "CUR3006", DiagnosticCategories.Usage, DiagnosticSeverity.Warning,
        "Workflow.* is only valid in workflow code",
        "'{0}' only works inside a running workflow, but {1} is not workflow code",
        "Every member of Currant.Workflow reads the running workflow's context and throws InvalidOperationException anywhere else, including in jobs and activities.");

    public static readonly DiagnosticDescriptor WorkflowApiInStep = Create(
        "CUR3007", DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "Step bodies must not use Workflow.*, Run or Queue",
        "'{0}' in {1}: a step body runs once as ordinary code, outside the workflow, where Workflow.* and the Run/Queue stubs do not work; call it from the workflow code before or after the step",
        "Workflow.Step runs its body once on a thread-pool thread and records the result; the body is not workflow code. Workflow.* members and the generated Run(...) stubs throw there, and a Queue(...) there is not recorded by the workflow. Call them in the workflow code around the step: pass what the step needs in, return what the workflow needs out.");

    public static readonly DiagnosticDescriptor ContinueAsNewNotThrown = Create(
        "CUR3030", DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "ContinueAsNew(...) must be thrown",
        "'{0}' only makes the exception that continues the workflow; its result is discarded here, so the run goes on. Write 'throw {0}'",
        "The generated ContinueAsNew(...) of a workflow returns a ContinueAsNewException; the run ends and the next starts only when workflow code throws it. Called as a statement, it does nothing.");

    public static readonly DiagnosticDescriptor StaticLogger = Create(
        "CUR3008", DiagnosticCategories.Usage, DiagnosticSeverity.Warning,
        "Workflow code must log through Workflow.Logger",
        "'{0}' in {1}: a logger held in static state logs again every time the workflow replays; use 'Workflow.Logger', which is silent during replay",
        "Workflow code runs again on every replay. An ILogger (or ILoggerFactory) kept in a static field or property writes each message again each time; Workflow.Logger is the same kind of logger but stays quiet while the workflow replays.");

    // ---- CUR2050-CUR2059: schedules ([Schedule]).

    public static readonly DiagnosticDescriptor InvalidCron = Create(
        "CUR2050", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "[Schedule] needs a valid cron expression",
        "'{0}' is not a valid cron expression: {1}",
        "A [Schedule] is read with Cronos: five fields (minute hour day-of-month month day-of-week), six with seconds first, or a macro such as @daily. An expression Cronos cannot read would stop every worker of the queue at start.");

    public static readonly DiagnosticDescriptor UnknownTimeZone = Create(
        "CUR2051", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "[Schedule] needs a known time zone",
        "'{0}' is not a time zone: use an IANA id such as 'Europe/Berlin', or 'UTC'",
        "The time zone of a [Schedule] is looked up by id on the worker (IANA ids, DST included). An unknown id would stop every worker of the queue at start.");

    public static readonly DiagnosticDescriptor UnschedulableClass = Create(
        "CUR2052", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "[Schedule] needs a job or workflow without parameters",
        "[Schedule] on '{0}': {1}",
        "A [Schedule] enqueues the class with no arguments at each fire time, so it belongs on a [Job] or [Workflow] whose ExecuteAsync/RunAsync takes no parameters (a CancellationToken is fine). For a schedule with arguments, call the generated X.Schedule(name, cron, args...) instead.");

    // ---- Operations (issue 13): CUR2060-CUR2069, CUR3060-CUR3069.

    public static readonly DiagnosticDescriptor UnknownConcurrencyKey = Create(
        "CUR2060", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "ConcurrencyKey must name a parameter of ExecuteAsync",
        "[Job] class '{0}' sets ConcurrencyKey = \"{1}\", but '{2}' has no parameter of that name (its parameters: {3})",
        "The per-key concurrency limit reads the argument of the parameter ConcurrencyKey names from each queued execution; a name that matches no parameter (other than the CancellationToken) would limit nothing.");

    public static readonly DiagnosticDescriptor IncompleteConcurrencyLimit = Create(
        "CUR2061", DiagnosticCategories.Declaration, DiagnosticSeverity.Error,
        "ConcurrencyKey and MaxConcurrency go together",
        "[Job] class '{0}': {1}",
        "[Job(ConcurrencyKey = \"userId\", MaxConcurrency = 1)] limits how many executions with the same value of that parameter run at once. One without the other, or a MaxConcurrency below 1, sets no limit.");

    private static DiagnosticDescriptor Create(
        string id, string category, DiagnosticSeverity severity, string title, string message, string description)
        => new(id, title, message, category, severity, isEnabledByDefault: true, description, HelpLinkBase + id + ".md");
}
