using System.Collections.Immutable;
using static Currant.Analyzers.Model.NondeterminismKind;

namespace Currant.Analyzers.Model;

/// <summary>
/// What workflow code must not touch, by documentation-comment ID. IDs that a compilation cannot resolve (an API of a
/// newer framework, or Npgsql not referenced) are skipped. Keep the help pages (docs/CUR1001..CUR1007) in step.
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
        new BannedApi("T:System.Diagnostics.Process", Process));

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
