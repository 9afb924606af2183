using System.Collections.Immutable;
using static Currant.Analyzers.Model.NondeterminismKind;

namespace Currant.Analyzers.Model;

/// <summary>
/// What workflow code must not touch, by documentation-comment ID. IDs that a compilation cannot resolve (an API of a
/// newer framework, or Npgsql not referenced) are skipped. Keep the help pages (docs/CUR1001..CUR1009) in step.
/// </summary>
internal static class BannedApiTable
{
    private const string Task = "T:System.Threading.Tasks.Task";
    private const string TaskOfT = "T:System.Threading.Tasks.Task`1";

    public static ImmutableArray<BannedApi> Entries { get; } = ImmutableArray.Create(
        // Wall clock (CUR1001).
        new BannedApi("P:System.DateTime.Now", WallClock),
        new BannedApi("P:System.DateTime.UtcNow", WallClock, FixKinds.UtcNow),
        new BannedApi("P:System.DateTime.Today", WallClock),
        new BannedApi("P:System.DateTimeOffset.Now", WallClock),
        new BannedApi("P:System.DateTimeOffset.UtcNow", WallClock, FixKinds.DateTimeOffsetUtcNow),
        new BannedApi("T:System.TimeProvider", WallClock),
        new BannedApi("P:System.Environment.TickCount", WallClock),
        new BannedApi("P:System.Environment.TickCount64", WallClock),
        new BannedApi("T:System.Diagnostics.Stopwatch", WallClock),

        // Identity and chance (CUR1002).
        new BannedApi("M:System.Guid.NewGuid", Randomness, FixKinds.NewGuid),
        new BannedApi("T:System.Guid", Randomness, member: "CreateVersion7"),
        new BannedApi("M:System.Random.#ctor", Randomness, FixKinds.Random),
        new BannedApi("P:System.Random.Shared", Randomness, FixKinds.Random),
        new BannedApi("T:System.Security.Cryptography.RandomNumberGenerator", Randomness),
        new BannedApi("T:System.String", Randomness, member: "GetHashCode"),
        new BannedApi("T:System.HashCode", Randomness),
        new BannedApi("M:System.IO.Path.GetRandomFileName", Randomness),

        // Time passing (CUR1003).
        new BannedApi(Task, RealTimeWait, member: "Delay"),
        new BannedApi("M:System.Threading.Tasks.Task.Delay(System.TimeSpan)", RealTimeWait, FixKinds.SleepTimeSpan),
        new BannedApi("M:System.Threading.Tasks.Task.Delay(System.Int32)", RealTimeWait, FixKinds.SleepMilliseconds),
        new BannedApi(Task, RealTimeWait, member: "WaitAsync", firstParameterType: "T:System.TimeSpan"),
        new BannedApi("T:System.Threading.SemaphoreSlim", RealTimeWait, member: "WaitAsync", firstParameterType: "T:System.TimeSpan"),
        new BannedApi("T:System.Threading.SemaphoreSlim", RealTimeWait, member: "WaitAsync", firstParameterType: "T:System.Int32"),
        new BannedApi(TaskOfT, RealTimeWait, member: "WaitAsync", firstParameterType: "T:System.TimeSpan"),
        new BannedApi("T:System.Threading.Thread", RealTimeWait, member: "Sleep"),
        new BannedApi("T:System.Threading.Thread", RealTimeWait, member: "SpinWait"),
        new BannedApi("M:System.Threading.CancellationTokenSource.#ctor(System.Int32)", RealTimeWait),
        new BannedApi("M:System.Threading.CancellationTokenSource.#ctor(System.TimeSpan)", RealTimeWait),
        new BannedApi("M:System.Threading.CancellationTokenSource.#ctor(System.TimeSpan,System.TimeProvider)", RealTimeWait),
        new BannedApi("T:System.Threading.CancellationTokenSource", RealTimeWait, member: "CancelAfter"),
        new BannedApi("T:System.Threading.PeriodicTimer", RealTimeWait),
        new BannedApi("T:System.Threading.Timer", RealTimeWait),
        new BannedApi("T:System.Timers.Timer", RealTimeWait),

        // Threads (CUR1004); ConfigureAwait(false) (CUR1005) is matched with its argument in BannedApis.
        new BannedApi(Task, Threading, member: "Run"),
        new BannedApi("T:System.Threading.Tasks.TaskFactory", Threading, member: "StartNew"),
        new BannedApi("T:System.Threading.Tasks.TaskFactory`1", Threading, member: "StartNew"),
        new BannedApi("T:System.Threading.Thread", Threading, member: ".ctor"),
        new BannedApi("T:System.Threading.ThreadPool", Threading),
        new BannedApi("T:System.Threading.Tasks.Parallel", Threading),
        // Work scheduled on the thread pool instead of the workflow's scheduler: ContinueWith(..., TaskScheduler.Default),
        // new TaskFactory(TaskScheduler.Default); CancelAsync runs the token's callbacks on the thread pool.
        new BannedApi("P:System.Threading.Tasks.TaskScheduler.Default", Threading),
        new BannedApi("M:System.Threading.CancellationTokenSource.CancelAsync", Threading),

        // Blocking on tasks (CUR1006).
        new BannedApi("P:System.Threading.Tasks.Task`1.Result", BlockingWait),
        new BannedApi("P:System.Threading.Tasks.ValueTask`1.Result", BlockingWait),
        new BannedApi(Task, BlockingWait, member: "Wait"),
        new BannedApi(Task, BlockingWait, member: "WaitAll"),
        new BannedApi(Task, BlockingWait, member: "WaitAny"),
        new BannedApi("M:System.Runtime.CompilerServices.TaskAwaiter.GetResult", BlockingWait),
        new BannedApi("M:System.Runtime.CompilerServices.TaskAwaiter`1.GetResult", BlockingWait),
        new BannedApi("M:System.Runtime.CompilerServices.ValueTaskAwaiter.GetResult", BlockingWait),
        new BannedApi("M:System.Runtime.CompilerServices.ValueTaskAwaiter`1.GetResult", BlockingWait),
        new BannedApi("M:System.Runtime.CompilerServices.ConfiguredTaskAwaitable.ConfiguredTaskAwaiter.GetResult", BlockingWait),
        new BannedApi("M:System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1.ConfiguredTaskAwaiter.GetResult", BlockingWait),
        // Blocking synchronisation: the wait handles (Mutex, Semaphore, EventWaitHandle, Manual/AutoResetEvent) and the
        // blocking waits of the slim primitives. SemaphoreSlim.WaitAsync without a timeout awaits, which is fine.
        new BannedApi("T:System.Threading.WaitHandle", BlockingWait, member: "WaitOne"),
        new BannedApi("T:System.Threading.WaitHandle", BlockingWait, member: "WaitAll"),
        new BannedApi("T:System.Threading.WaitHandle", BlockingWait, member: "WaitAny"),
        new BannedApi("T:System.Threading.WaitHandle", BlockingWait, member: "SignalAndWait"),
        new BannedApi("T:System.Threading.SemaphoreSlim", BlockingWait, member: "Wait"),
        new BannedApi("T:System.Threading.ManualResetEventSlim", BlockingWait, member: "Wait"),
        new BannedApi("T:System.Threading.CountdownEvent", BlockingWait, member: "Wait"),
        new BannedApi("T:System.Threading.Barrier", BlockingWait, member: "SignalAndWait"),
        new BannedApi("T:System.Threading.Monitor", BlockingWait, member: "Wait"),
        new BannedApi("T:System.Threading.Thread", BlockingWait, member: "Join"),
        new BannedApi("T:System.Threading.SpinWait", BlockingWait, member: "SpinUntil"),

        // Outside world (CUR1007): file system.
        new BannedApi("T:System.IO.File", FileSystem),
        new BannedApi("T:System.IO.Directory", FileSystem),
        new BannedApi("T:System.IO.FileSystemInfo", FileSystem),
        new BannedApi("T:System.IO.DriveInfo", FileSystem),
        new BannedApi("T:System.IO.FileStream", FileSystem),
        new BannedApi("T:System.IO.FileSystemWatcher", FileSystem),
        new BannedApi("T:System.IO.RandomAccess", FileSystem),
        new BannedApi("T:System.IO.StreamReader", FileSystem, member: ".ctor", firstParameterType: "T:System.String"),
        new BannedApi("T:System.IO.StreamWriter", FileSystem, member: ".ctor", firstParameterType: "T:System.String"),
        new BannedApi("T:System.IO.Path", FileSystem, member: "GetTempPath"),
        new BannedApi("T:System.IO.Path", FileSystem, member: "GetTempFileName"),
        new BannedApi("T:System.IO.Path", FileSystem, member: "GetFullPath"),
        new BannedApi("T:System.IO.Path", FileSystem, member: "Exists"),
        new BannedApi("T:System.IO.Compression.ZipFile", FileSystem),

        // Network.
        new BannedApi("T:System.Net.Http.HttpMessageInvoker", Network),
        new BannedApi("T:System.Net.Http.HttpMessageHandler", Network),
        new BannedApi("T:System.Net.Sockets.Socket", Network),
        new BannedApi("T:System.Net.Sockets.TcpClient", Network),
        new BannedApi("T:System.Net.Sockets.TcpListener", Network),
        new BannedApi("T:System.Net.Sockets.UdpClient", Network),
        new BannedApi("T:System.Net.Dns", Network),
        new BannedApi("T:System.Net.WebRequest", Network),
        new BannedApi("T:System.Net.WebClient", Network),
        new BannedApi("T:System.Net.WebSockets.WebSocket", Network),
        new BannedApi("T:System.Net.NetworkInformation.Ping", Network),
        new BannedApi("T:System.Net.NetworkInformation.NetworkInterface", Network),
        new BannedApi("T:System.Net.Mail.SmtpClient", Network),

        // Databases: ADO.NET bases cover every provider; Npgsql's own entry points are listed for the ones that are not.
        new BannedApi("T:System.Data.Common.DbConnection", Database),
        new BannedApi("T:System.Data.Common.DbCommand", Database),
        new BannedApi("T:System.Data.Common.DbBatch", Database),
        new BannedApi("T:System.Data.Common.DbDataReader", Database),
        new BannedApi("T:System.Data.Common.DbDataSource", Database),
        new BannedApi("T:System.Data.Common.DbTransaction", Database),
        new BannedApi("T:System.Data.Common.DbDataAdapter", Database),
        new BannedApi("T:System.Data.IDbConnection", Database),
        new BannedApi("T:System.Data.IDbCommand", Database),
        new BannedApi("T:System.Data.IDbTransaction", Database),
        new BannedApi("T:Npgsql.NpgsqlConnection", Database),
        new BannedApi("T:Npgsql.NpgsqlDataSource", Database),
        new BannedApi("T:Npgsql.NpgsqlCommand", Database),
        new BannedApi("T:Npgsql.NpgsqlBatch", Database),
        new BannedApi("T:Npgsql.NpgsqlDataReader", Database),
        new BannedApi("T:Npgsql.NpgsqlTransaction", Database),
        new BannedApi("T:Npgsql.NpgsqlBinaryImporter", Database),
        new BannedApi("T:Npgsql.NpgsqlBinaryExporter", Database),

        // Environment variables and machine facts (TickCount is the clock, above; NewLine is the same on every worker of a fleet).
        new BannedApi("T:System.Environment", MachineFacts),
        new BannedApi("P:System.Environment.NewLine", Allowed),
        new BannedApi("P:System.TimeZoneInfo.Local", MachineFacts),
        new BannedApi("M:System.DateTime.ToLocalTime", MachineFacts),
        new BannedApi("M:System.DateTimeOffset.ToLocalTime", MachineFacts),
        new BannedApi("T:System.Runtime.InteropServices.RuntimeInformation", MachineFacts),

        // Console input.
        new BannedApi("T:System.Console", ConsoleInput, member: "Read"),
        new BannedApi("T:System.Console", ConsoleInput, member: "ReadLine"),
        new BannedApi("T:System.Console", ConsoleInput, member: "ReadKey"),
        new BannedApi("T:System.Console", ConsoleInput, member: "KeyAvailable"),
        new BannedApi("T:System.Console", ConsoleInput, member: "In"),
        new BannedApi("T:System.Console", ConsoleInput, member: "OpenStandardInput"),

        // Processes.
        new BannedApi("T:System.Diagnostics.Process", Process),

        // Pipes and memory-mapped files: state another process controls.
        new BannedApi("T:System.IO.Pipes.PipeStream", InterProcess),
        new BannedApi("T:System.IO.MemoryMappedFiles.MemoryMappedFile", InterProcess),
        new BannedApi("T:System.IO.MemoryMappedFiles.MemoryMappedViewAccessor", InterProcess),
        new BannedApi("T:System.IO.MemoryMappedFiles.MemoryMappedViewStream", InterProcess),

        // The current culture (CUR1009): set per process (or thread) from the machine's settings. Formatting and parsing
        // without a provider read it implicitly; only the types whose text varies with it in everyday cultures are
        // listed (decimal separators, calendars), and DateTime's invariant formats ("o", "r", "s", "u") are let through.
        new BannedApi("P:System.Globalization.CultureInfo.CurrentCulture", Culture),
        new BannedApi("P:System.Globalization.CultureInfo.CurrentUICulture", Culture),
        new BannedApi("P:System.Globalization.CultureInfo.DefaultThreadCurrentCulture", Culture),
        new BannedApi("P:System.Globalization.CultureInfo.DefaultThreadCurrentUICulture", Culture),
        new BannedApi("P:System.Globalization.CultureInfo.InstalledUICulture", Culture),
        new BannedApi("P:System.Globalization.NumberFormatInfo.CurrentInfo", Culture),
        new BannedApi("P:System.Globalization.DateTimeFormatInfo.CurrentInfo", Culture),
        new BannedApi("P:System.Globalization.RegionInfo.CurrentRegion", Culture),
        new BannedApi("P:System.Threading.Thread.CurrentCulture", Culture),
        new BannedApi("P:System.Threading.Thread.CurrentUICulture", Culture),
        new BannedApi("M:System.DateTime.ToString", Culture),
        new BannedApi("M:System.DateTime.ToString(System.String)", Culture),
        new BannedApi("M:System.DateTime.Parse(System.String)", Culture),
        new BannedApi("M:System.DateTime.TryParse(System.String,System.DateTime@)", Culture),
        new BannedApi("M:System.DateTimeOffset.ToString", Culture),
        new BannedApi("M:System.DateTimeOffset.ToString(System.String)", Culture),
        new BannedApi("M:System.DateTimeOffset.Parse(System.String)", Culture),
        new BannedApi("M:System.DateTimeOffset.TryParse(System.String,System.DateTimeOffset@)", Culture),
        new BannedApi("M:System.Double.ToString", Culture),
        new BannedApi("M:System.Double.ToString(System.String)", Culture),
        new BannedApi("M:System.Double.Parse(System.String)", Culture),
        new BannedApi("M:System.Double.TryParse(System.String,System.Double@)", Culture),
        new BannedApi("M:System.Single.ToString", Culture),
        new BannedApi("M:System.Single.ToString(System.String)", Culture),
        new BannedApi("M:System.Single.Parse(System.String)", Culture),
        new BannedApi("M:System.Single.TryParse(System.String,System.Single@)", Culture),
        new BannedApi("M:System.Decimal.ToString", Culture),
        new BannedApi("M:System.Decimal.ToString(System.String)", Culture),
        new BannedApi("M:System.Decimal.Parse(System.String)", Culture),
        new BannedApi("M:System.Decimal.TryParse(System.String,System.Decimal@)", Culture));

    /// <summary>
    /// Members that change a collection (or string builder) in place: called on a <c>static readonly</c> field or
    /// get-only static property of the user's own types, they change state every workflow on the worker shares
    /// (CUR1008). By type ID and member name; every overload.
    /// </summary>
    public static ImmutableArray<(string Type, string[] Members)> Mutators { get; } = ImmutableArray.Create(
        ("T:System.Collections.Generic.ICollection`1", new[] { "Add", "Remove", "Clear" }),
        ("T:System.Collections.Generic.IList`1", new[] { "Insert", "RemoveAt" }),
        ("T:System.Collections.Generic.IDictionary`2", new[] { "Add", "Remove" }),
        ("T:System.Collections.Generic.ISet`1", new[] { "Add", "UnionWith", "ExceptWith", "IntersectWith", "SymmetricExceptWith" }),
        ("T:System.Collections.IList", new[] { "Add", "Insert", "Remove", "RemoveAt", "Clear" }),
        ("T:System.Collections.IDictionary", new[] { "Add", "Remove", "Clear" }),
        ("T:System.Collections.Generic.List`1", new[] { "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "Clear", "Sort", "Reverse" }),
        ("T:System.Collections.Generic.Dictionary`2", new[] { "Add", "TryAdd", "Remove", "Clear" }),
        ("T:System.Collections.Generic.HashSet`1", new[] { "Add", "Remove", "RemoveWhere", "Clear", "UnionWith", "ExceptWith", "IntersectWith", "SymmetricExceptWith" }),
        ("T:System.Collections.Generic.SortedSet`1", new[] { "Add", "Remove", "RemoveWhere", "Clear", "UnionWith", "ExceptWith", "IntersectWith", "SymmetricExceptWith" }),
        ("T:System.Collections.Generic.SortedDictionary`2", new[] { "Add", "Remove", "Clear" }),
        ("T:System.Collections.Generic.SortedList`2", new[] { "Add", "Remove", "RemoveAt", "Clear" }),
        ("T:System.Collections.Generic.LinkedList`1", new[] { "AddAfter", "AddBefore", "AddFirst", "AddLast", "Remove", "RemoveFirst", "RemoveLast", "Clear" }),
        ("T:System.Collections.Generic.Queue`1", new[] { "Enqueue", "Dequeue", "TryDequeue", "Clear" }),
        ("T:System.Collections.Generic.Stack`1", new[] { "Push", "Pop", "TryPop", "Clear" }),
        ("T:System.Collections.ObjectModel.Collection`1", new[] { "Add", "Insert", "Remove", "RemoveAt", "Clear" }),
        ("T:System.Collections.Concurrent.ConcurrentDictionary`2", new[] { "TryAdd", "TryRemove", "TryUpdate", "GetOrAdd", "AddOrUpdate", "Clear" }),
        ("T:System.Collections.Concurrent.ConcurrentQueue`1", new[] { "Enqueue", "TryDequeue", "Clear" }),
        ("T:System.Collections.Concurrent.ConcurrentStack`1", new[] { "Push", "PushRange", "TryPop", "TryPopRange", "Clear" }),
        ("T:System.Collections.Concurrent.ConcurrentBag`1", new[] { "Add", "TryTake", "Clear" }),
        ("T:System.Collections.ArrayList", new[] { "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveRange", "Clear", "Sort", "Reverse" }),
        ("T:System.Collections.Hashtable", new[] { "Add", "Remove", "Clear" }),
        ("T:System.Text.StringBuilder", new[] { "Append", "AppendLine", "AppendFormat", "AppendJoin", "Insert", "Remove", "Replace", "Clear" }),
        ("T:System.Array", new[] { "Sort", "Reverse", "Clear", "Fill" }));

    /// <summary>ConfigureAwait overloads taking a bool (flagged when it is the constant false).</summary>
    public static ImmutableArray<string> ConfigureAwaitBoolean { get; } = ImmutableArray.Create(
        "M:System.Threading.Tasks.Task.ConfigureAwait(System.Boolean)",
        "M:System.Threading.Tasks.Task`1.ConfigureAwait(System.Boolean)",
        "M:System.Threading.Tasks.ValueTask.ConfigureAwait(System.Boolean)",
        "M:System.Threading.Tasks.ValueTask`1.ConfigureAwait(System.Boolean)",
        "M:System.Threading.Tasks.TaskAsyncEnumerableExtensions.ConfigureAwait(System.IAsyncDisposable,System.Boolean)",
        "M:System.Threading.Tasks.TaskAsyncEnumerableExtensions.ConfigureAwait``1(System.Collections.Generic.IAsyncEnumerable{``0},System.Boolean)");

    /// <summary>ConfigureAwait overloads taking ConfigureAwaitOptions (flagged without ContinueOnCapturedContext).</summary>
    public static ImmutableArray<string> ConfigureAwaitOptions { get; } = ImmutableArray.Create(
        "M:System.Threading.Tasks.Task.ConfigureAwait(System.Threading.Tasks.ConfigureAwaitOptions)",
        "M:System.Threading.Tasks.Task`1.ConfigureAwait(System.Threading.Tasks.ConfigureAwaitOptions)");
}
