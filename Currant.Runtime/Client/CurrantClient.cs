using System.Collections.Concurrent;
using System.Text.Json;
using Currant.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Currant;

/// <summary>The connection to Currant's Postgres schema: enqueues, reads state, starts workers.</summary>
public sealed partial class CurrantClient : ICurrantClient, IAsyncDisposable
{
    // One wording for arguments and signal payloads.
    private const string NulRefusal =
        "contains the character U+0000 (NUL), which PostgreSQL cannot store in jsonb. Remove it, or pass binary data as Base64 (a byte[]).";

    private static readonly TimeSpan MinReconnectDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a wait for an execution running on a worker of this client gives that run to end after another wake
    /// (a NOTIFY, the poll) before it reads the row: the common NOTIFY is the run's own final commit, whose row the
    /// run's end hands over an instant later.
    /// </summary>
    private static readonly TimeSpan LocalRunGrace = TimeSpan.FromMilliseconds(100);

    private static CurrantClient? _default;

    private readonly bool _ownsDataSource;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiters = new();
    private readonly Dictionary<Guid, AwaitedOutcome> _awaited = [];
    private readonly Lock _awaitedGate = new();
    private readonly Lock _listenerGate = new();
    private NotificationListener? _listener;
    private NpgsqlDataSource? _listenDataSource;
    private int _disposed;
    private int _resultWaits;

    private readonly NpgsqlDataSource? _relaxed;

    private CurrantClient(NpgsqlDataSource dataSource, bool ownsDataSource, CurrantClientOptions options, NpgsqlDataSource? relaxed = null)
    {
        _ownsDataSource = ownsDataSource;
        _relaxed = relaxed;
        Options = options;
        Store = new CurrantStore(dataSource, relaxed);
        Queues = new CurrantQueues(Store);
        LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger("Currant");
        SerializerOptions = options.SerializerOptions ?? CurrantJson.CreateDefaultOptions();
    }

    /// <summary>The client static stubs use; set by <c>ConnectAsync</c> and by the host.</summary>
    public static CurrantClient? Default
    {
        get => Volatile.Read(ref _default);
        set => Volatile.Write(ref _default, value);
    }

    /// <inheritdoc />
    public JsonSerializerOptions SerializerOptions { get; }

    /// <summary>The settings this client was made with.</summary>
    public CurrantClientOptions Options { get; }

    /// <summary>The underlying data source (for the application's own transactions).</summary>
    public NpgsqlDataSource DataSource => Store.DataSource;

    internal CurrantStore Store { get; }

    /// <summary>This client's running workers: where its enqueues may start eagerly and where its waits look for runs held here.</summary>
    internal LocalWorkers LocalWorkers { get; } = new();

    /// <summary>Queue controls across all workers: pause, resume, concurrency limits (<c>currant queues</c>).</summary>
    public CurrantQueues Queues { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal ILogger Logger { get; }

    /// <summary>Returns <paramref name="explicitClient"/>, else <see cref="Default"/>, else a clear error.</summary>
    public static ICurrantClient Resolve(ICurrantClient? explicitClient)
        => explicitClient ?? Default ?? throw new InvalidOperationException(
            "No Currant client: call 'await CurrantClient.ConnectAsync(url)' (or services.AddCurrant(...)) before queuing, " +
            "or pass one with Options(client: ...).");

    /// <summary>
    /// Connects (checking the database answers) and makes this client <see cref="Default"/>.
    /// Accepts Npgsql keyword strings and <c>postgres://</c> URLs; null or empty reads <c>CURRANT_DATABASE_URL</c>.
    /// </summary>
    public static async Task<CurrantClient> ConnectAsync(string? connectionString = null, CurrantClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        var builder = ConnectionStrings.Parse(connectionString ?? Environment.GetEnvironmentVariable(CurrantEnvironment.DatabaseUrl) ?? "");
        DataSourceTuning.Apply(builder);
        var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = "Currant" }.Build();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw new CurrantConnectionException(
                $"Cannot connect to PostgreSQL at {ConnectionStrings.Describe(builder)}: {ex.Message} " +
                $"Check the database URL ({CurrantEnvironment.DatabaseUrl} or --database-url) and that the server is running.", ex);
        }

        var relaxed = DataSourceTuning.BuildClaims(builder, options?.LoggerFactory);
        var client = new CurrantClient(dataSource, ownsDataSource: true, options ?? new CurrantClientOptions(), relaxed);
        Default = client;
        return client;
    }

    /// <summary>Synchronous <see cref="ConnectAsync"/>.</summary>
    public static CurrantClient Connect(string? connectionString = null, CurrantClientOptions? options = null)
        => ConnectAsync(connectionString, options).GetAwaiter().GetResult();

    /// <summary>Wraps a data source the application already has (it stays the application's to dispose).</summary>
    public static CurrantClient Create(NpgsqlDataSource dataSource, CurrantClientOptions? options = null)
        => new(dataSource, ownsDataSource: false, options ?? new CurrantClientOptions());

    /// <summary>The hosted client: a data source the container owns, plus the claims data source built beside it.</summary>
    internal static CurrantClient Create(NpgsqlDataSource dataSource, CurrantClientOptions options, NpgsqlDataSource? claims)
        => new(dataSource, ownsDataSource: false, options, claims);

    /// <summary>Applies missing migrations from <c>db/</c> under an advisory lock; returns the names applied.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var applied = await new Migrator(Store.DataSource).MigrateAsync(cancellationToken).ConfigureAwait(false);
        return applied.Select(m => m.Name).ToArray();
    }

    /// <summary>Throws <see cref="CurrantConnectionException"/> with the fix when the schema is missing or old.</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
        => ThrowIfSchemaOutdated(await Store.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false));

    private static void ThrowIfSchemaOutdated(int version)
    {
        if (version < 0)
        {
            throw new CurrantConnectionException(
                "The Currant schema does not exist in this database. Run 'currant migrate' (or call client.MigrateAsync(), " +
                "or set MigrateOnStartup when hosted) before starting a worker.");
        }

        if (version < Migrator.LatestVersion)
        {
            throw new CurrantConnectionException(
                $"The Currant schema is at migration {version}, but this version of Currant needs {Migrator.LatestVersion}. " +
                "Run 'currant migrate' (or client.MigrateAsync()).");
        }
    }

    /// <summary>
    /// Starts a worker in this process. Fails at once if the options are invalid, the schema is missing or old, or
    /// the first heartbeat cannot be written.
    /// </summary>
    public async Task<CurrantWorker> StartWorkerAsync(WorkerOptions? options = null, IServiceProvider? services = null, CancellationToken cancellationToken = default)
    {
        var worker = new CurrantWorker(this, options ?? new WorkerOptions(), services);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await worker.StartAsync(cancellationToken).ConfigureAwait(false);
        return worker;
    }

    /// <inheritdoc />
    public async Task<Guid> EnqueueAsync(ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        // Before BuildRow: the row stores Activity.Current's id, which must be the enqueue span's.
        using var span = CurrantDiagnostics.StartEnqueue(definition, 1);
        var row = BuildRow(definition, arguments, options, options?.IdempotencyKey);
        try
        {
            var id = await InsertAsync(row, options?.Transaction, cancellationToken).ConfigureAwait(false);
            CurrantDiagnostics.RecordEnqueued(span, definition, row.Queue, 1, id);
            return id;
        }
        catch (Exception ex) when (CurrantDiagnostics.RecordFailure(span, ex))
        {
            throw;
        }
    }

    /// <summary>
    /// Inserts <paramref name="row"/>: started on a worker of this client when one has a slot free for it (eager start,
    /// <see cref="WorkerOptions.EagerStart"/>), else enqueued for any worker.
    /// </summary>
    private async Task<Guid> InsertAsync(NewExecution row, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        if (!CurrantStore.MayHandOff(row, transaction) || LocalWorkers.Reserve(row) is not { } worker)
        {
            return await Store.InsertAsync(row, transaction, cancellationToken).ConfigureAwait(false);
        }

        var started = false;
        var refused = false;
        try
        {
            started = await Store.InsertLocalAsync(row, worker.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.SerializationFailure)
        {
            // A database whose default isolation is SERIALIZABLE may refuse the insert for what it read (rows of the
            // queue waiting) while other enqueues and claims wrote the queue. The statement was its own transaction, so
            // nothing was written: the row is enqueued the plain way below.
            refused = true;
        }
        finally
        {
            // A row whose commit went unanswered may be running under the worker all the same: its heartbeat hands back
            // rows it finds running there and does not hold (HeartbeatService).
            worker.EndEagerStart(started ? LocalWorkers.Claimed(row) : null);
        }

        return refused ? await Store.InsertAsync(row, transaction, cancellationToken).ConfigureAwait(false) : row.Id;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Guid>> EnqueueManyAsync(ExecutionDefinition definition, IReadOnlyList<byte[]> arguments, EnqueueOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(arguments);
        using var span = CurrantDiagnostics.StartEnqueue(definition, arguments.Count);
        // Settings are checked once: every row of the call shares them.
        var common = BuildRow(definition, [], options, idempotencyKey: null);
        // Checked as the insert reads each row: generated stubs serialize lazily, and a refused row cancels the insert.
        arguments = new CheckedArguments(arguments, bytes => CheckPayload(definition, bytes));

        var ids = ExecutionIds.NewVersion7(arguments.Count, DateTimeOffset.UtcNow);
        // One key per item, derived from the call's key, so a repeated QueueMany is a no-op item by item.
        var keys = options?.IdempotencyKey is { } key ? Enumerable.Range(0, ids.Length).Select(i => $"{key}:{i}").ToArray() : null;

        try
        {
            var batch = new NewExecutionBatch { Common = common, Ids = ids, Arguments = arguments, IdempotencyKeys = keys };
            var inserted = await Store.InsertManyAsync(batch, options?.Transaction, cancellationToken).ConfigureAwait(false);
            if (ids.Length > 0)
            {
                CurrantDiagnostics.RecordEnqueued(span, definition, common.Queue, ids.Length, null);
            }
            return inserted;
        }
        catch (Exception ex) when (CurrantDiagnostics.RecordFailure(span, ex))
        {
            throw;
        }
    }

    /// <summary>What the database could not take: oversized arguments, or a NUL character jsonb cannot hold.</summary>
    private void CheckPayload(ExecutionDefinition definition, byte[] arguments)
    {
        if (arguments.Length > Options.Defaults.MaxPayloadBytes)
        {
            throw new ArgumentException(
                $"The arguments of '{definition.Name}' are {arguments.Length:N0} bytes, over the {Options.Defaults.MaxPayloadBytes:N0}-byte limit " +
                "(CurrantClientOptions.Defaults.MaxPayloadBytes). Store large data elsewhere and pass a reference.", nameof(arguments));
        }

        if (JsonNul.Contains(arguments))
        {
            throw ArgumentsContainNul(definition, arguments);
        }
    }

    internal NewExecution BuildRow(ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options, string? idempotencyKey)
    {
        Names.CheckExecutionName(definition.Name, nameof(definition));
        CheckPayload(definition, arguments);
        options?.RetryPolicy?.Validate(nameof(options));
        var policy = options?.RetryPolicy?.Over(definition.RetryPolicy) ?? definition.RetryPolicy;
        var retries = options?.Retries ?? options?.RetryPolicy?.Retries ?? definition.Retries ?? Options.Defaults.Retries;
        if (retries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), retries, "Retries cannot be negative.");
        }

        var queue = options?.Queue ?? definition.Queue ?? Options.Defaults.Queue;
        Names.CheckQueue(queue, options?.Queue is not null ? nameof(options) : nameof(definition));

        var timeout = options?.Timeout ?? definition.Timeout
            ?? (definition.Kind == ExecutionKind.Workflow ? Options.Defaults.WorkflowTimeout : Options.Defaults.Timeout);
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), t, "The timeout must be positive.");
        }

        var heartbeatTimeout = options?.HeartbeatTimeout ?? definition.HeartbeatTimeout;
        if (heartbeatTimeout is { } h && h <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), h, "The heartbeat timeout must be positive.");
        }

        if (definition.Kind == ExecutionKind.Workflow && (options?.RetryPolicy is not null || options?.HeartbeatTimeout is not null))
        {
            throw new ArgumentException(
                $"'{definition.Name}' is a workflow: workflows are not retried and do not heartbeat. Give the retry policy or heartbeat timeout to the activities it runs.",
                nameof(options));
        }

        return new NewExecution
        {
            Id = Guid.CreateVersion7(),
            Kind = definition.Kind,
            Name = definition.Name,
            Queue = queue,
            Priority = options?.Priority ?? definition.Priority,
            Arguments = arguments,
            MaxAttempts = (int)Math.Min(int.MaxValue, (long)retries + 1),
            Timeout = timeout,
            RunAt = options?.RunAt,
            Delay = options?.Delay is { } d && d > TimeSpan.Zero ? d : TimeSpan.Zero,
            IdempotencyKey = idempotencyKey,
            TraceContext = System.Diagnostics.Activity.Current?.Id,
            RetryPolicy = definition.Kind == ExecutionKind.Workflow ? null : StoredRetryPolicy.Serialize(policy),
            HeartbeatTimeout = definition.Kind == ExecutionKind.Workflow ? null : heartbeatTimeout,
            Tags = CheckedTags(definition, options?.Tags),
        };
    }

    private static string? CheckedTags(ExecutionDefinition definition, IReadOnlyDictionary<string, string>? tags)
    {
        if (tags is null)
        {
            return null;
        }

        if (definition.Kind is not (ExecutionKind.Job or ExecutionKind.Workflow))
        {
            throw new ArgumentException($"'{definition.Name}' is an {definition.Kind.ToString().ToLowerInvariant()}; only jobs and workflows take tags.", nameof(tags));
        }

        ExecutionTags.Check(tags, nameof(tags));
        return ExecutionTags.ToJson(tags);
    }

    private static ArgumentException ArgumentsContainNul(ExecutionDefinition definition, byte[] arguments)
    {
        var index = JsonNul.FindInArray(arguments);
        var which = index < 0 ? "The arguments"
            : index < definition.ParameterNames.Count ? $"Argument '{definition.ParameterNames[index]}' (#{index})"
            : $"Argument #{index}";
        return new ArgumentException($"{which} of '{definition.Name}' {NulRefusal}", nameof(arguments));
    }

    /// <inheritdoc />
    public Task<ExecutionInfo?> GetExecutionAsync(Guid id, CancellationToken cancellationToken = default)
        => Store.GetAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ExecutionInfo>> ListAsync(ExecutionFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ExecutionTags.Check(filter?.Tags, nameof(filter));
        return Store.ListAsync(filter ?? new ExecutionFilter(), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> CancelAsync(Guid id, CancellationToken cancellationToken = default)
        => await Store.CancelAsync(id, cancellationToken).ConfigureAwait(false) is not null;

    /// <inheritdoc />
    public Task SendSignalAsync(Guid workflowId, string name, byte[]? payload, CancellationToken cancellationToken = default)
        => SignalRunAsync(workflowId, name, payload, cancellationToken);

    /// <summary>
    /// <see cref="SendSignalAsync(Guid, string, byte[], CancellationToken)"/>, returning the run that stored the signal: the
    /// last of the chain when the workflow continued as new, as the statement that stored it saw it (<c>currant signal --json</c>).
    /// </summary>
    internal async Task<Guid> SignalRunAsync(Guid workflowId, string name, byte[]? payload, CancellationToken cancellationToken)
    {
        Names.CheckSignalName(name, nameof(name));
        string? json = null;
        if (payload is not null)
        {
            if (payload.Length > Options.Defaults.MaxPayloadBytes)
            {
                throw new ArgumentException($"The '{name}' signal payload is {payload.Length:N0} bytes, over the {Options.Defaults.MaxPayloadBytes:N0}-byte limit.", nameof(payload));
            }

            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(payload);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new ArgumentException($"The '{name}' signal payload is not valid JSON: {ex.Message}", nameof(payload), ex);
            }

            if (JsonNul.Contains(payload))
            {
                throw new ArgumentException($"The '{name}' signal payload {NulRefusal}", nameof(payload));
            }

            json = System.Text.Encoding.UTF8.GetString(payload);
        }

        var (outcome, run) = await Store.SignalAsync(workflowId, name, json, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case SignalOutcome.NotFound:
                throw new InvalidOperationException($"No workflow with id {workflowId}; the '{name}' signal was not stored.");
            case SignalOutcome.NotAWorkflow:
                throw new InvalidOperationException($"Execution {workflowId} is not a workflow; only workflows take signals. The '{name}' signal was not stored.");
            case SignalOutcome.Finished:
                var info = await Store.GetAsync(workflowId, cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException(
                    $"Workflow {workflowId} has already finished ({info?.State.ToString().ToLowerInvariant() ?? "gone"}); the '{name}' signal was not stored.");
        }

        return run ?? workflowId;
    }

    /// <summary>Sends a signal whose payload is serialized with <see cref="SerializerOptions"/>.</summary>
    public Task SendSignalAsync<T>(Guid workflowId, string name, T payload, CancellationToken cancellationToken = default)
        => SendSignalAsync(workflowId, name, CurrantJson.Serialize(payload, SerializerOptions), cancellationToken);

    /// <summary>A workflow's history, step by step (what <c>currant history</c> prints).</summary>
    public Task<IReadOnlyList<HistoryRow>> GetHistoryAsync(Guid workflowId, CancellationToken cancellationToken = default)
        => Store.GetHistoryAsync(workflowId, cancellationToken);

    /// <summary>
    /// Gives a failed execution (or a parked workflow) another attempt. Returns false when it is not failed or parked.
    /// </summary>
    public Task<bool> RetryAsync(Guid id, CancellationToken cancellationToken = default) => Store.RetryAsync(id, cancellationToken);

    /// <summary>Lists, pauses, resumes, triggers and deletes schedules (DESIGN.md §2.2).</summary>
    public CurrantSchedules Schedules => _schedules ??= new CurrantSchedules(this);

    private CurrantSchedules? _schedules;

    /// <inheritdoc />
    public Task<ScheduleInfo> UpsertScheduleAsync(string name, ScheduleSpec spec, ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options, CancellationToken cancellationToken = default)
        => Schedules.UpsertAsync(name, spec, definition, arguments, options, cancellationToken);

    /// <inheritdoc />
    public async Task<ExecutionInfo> WaitForCompletionAsync(Guid id, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _resultWaits);
        try
        {
            return await WaitUntilFinishedAsync(id, timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _resultWaits);
        }
    }

    /// <summary>
    /// Callers waiting in <see cref="WaitForCompletionAsync"/> right now. Currant.Testing's environment skips time
    /// on its own only while someone waits for a result (Temporal's time-skipping rule).
    /// </summary>
    internal int ResultWaits => Volatile.Read(ref _resultWaits);

    private async Task<ExecutionInfo> WaitUntilFinishedAsync(Guid id, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var listener = EnsureListener();
        using var timeoutCts = timeout is { } t ? new CancellationTokenSource(t) : null;
        using var linked = timeoutCts is null
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        var poll = Options.ResultPollInterval;
        if (listener is not null)
        {
            await listener.Ready.WaitAsync(linked.Token).ConfigureAwait(false);
        }

        var retryDelay = MinReconnectDelay;
        var awaited = StartAwaiting(id);
        bool readNow = false, otherWake = false;
        try
        {
            while (true)
            {
                // Register before reading so a completion between the read and the wait is never missed.
                var waiter = _waiters.GetOrAdd(id, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                ExecutionInfo? info;
                if (awaited.Outcome is { } outcome)
                {
                    // The worker of this client that committed the outcome handed over the row it wrote: nothing to read.
                    info = outcome;
                }
                else if (!readNow && LocalWorkers.RunningHere(id))
                {
                    // A worker of this process runs it: the end of that run wakes the waiter (registered before the
                    // check, so that wake cannot be missed), and only then is there an outcome worth reading. Any
                    // other wake while it still runs (a NOTIFY: it was cancelled, or finished by another worker; or the
                    // poll) leaves the run a moment to end, then reads, so such an outcome is not held back by the run.
                    await WaitAsync(id, waiter, otherWake ? LocalRunGrace : poll, linked.Token).ConfigureAwait(false);
                    if (awaited.Outcome is null && LocalWorkers.RunningHere(id))
                    {
                        readNow = otherWake;
                        otherWake = true;
                    }

                    continue;
                }
                else
                {
                    readNow = otherWake = false;
                    try
                    {
                        info = await Store.GetAsync(id, linked.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ConnectionFailures.IsConnectionLoss(ex) && !linked.Token.IsCancellationRequested)
                    {
                        // A restart or a cut connection is not an answer: read again once the listener is back (it wakes
                        // every waiter when it reconnects) or after a growing delay, until the caller's timeout.
                        Log.ResultReadFailed(Logger, ex, id, retryDelay.TotalMilliseconds);
                        await WaitAsync(id, waiter, retryDelay, linked.Token).ConfigureAwait(false);
                        retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxReconnectDelay.Ticks));
                        continue;
                    }

                    retryDelay = MinReconnectDelay;
                }

                if (info is null)
                {
                    throw new InvalidOperationException($"Execution {id} does not exist.");
                }

                if (info is { IsFinished: true, ContinuedTo: { } next })
                {
                    // Continued as new: the caller's result is the chain's, so wait for the next run (db/0008).
                    Unregister(id, waiter);
                    StopAwaiting(id, awaited);
                    id = next;
                    awaited = StartAwaiting(id);
                    continue;
                }

                if (info.IsFinished)
                {
                    Unregister(id, waiter);
                    return info;
                }

                await WaitAsync(id, waiter, poll, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeoutCts?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Execution {id} did not finish within {timeout}.");
        }
        finally
        {
            StopAwaiting(id, awaited);
        }
    }

    /// <summary>
    /// Notes a caller waiting for <paramref name="id"/>'s outcome, so that a worker of this client that commits it hands
    /// the row over (<see cref="HandOverOutcome"/>) even when the caller is between two waits at that instant (woken by
    /// the NOTIFY of the same commit): the hand-over lands here, not on a registered waiter.
    /// </summary>
    private AwaitedOutcome StartAwaiting(Guid id)
    {
        lock (_awaitedGate)
        {
            if (!_awaited.TryGetValue(id, out var awaited))
            {
                _awaited[id] = awaited = new AwaitedOutcome();
            }

            awaited.Callers++;
            return awaited;
        }
    }

    private void StopAwaiting(Guid id, AwaitedOutcome awaited)
    {
        lock (_awaitedGate)
        {
            if (--awaited.Callers == 0)
            {
                _awaited.Remove(id);
            }
        }
    }

    /// <summary>The callers waiting for one execution's outcome, and the row a worker of this client handed over for them.</summary>
    private sealed class AwaitedOutcome
    {
        public int Callers;
        public volatile ExecutionInfo? Outcome;
    }

    /// <summary>Waits until <paramref name="waiter"/> is woken or <paramref name="delay"/> passes, then unregisters it.</summary>
    private async Task WaitAsync(Guid id, TaskCompletionSource waiter, TimeSpan delay, CancellationToken cancellationToken)
    {
        await Task.WhenAny(waiter.Task, Task.Delay(delay, cancellationToken)).ConfigureAwait(false);
        _waiters.TryRemove(new KeyValuePair<Guid, TaskCompletionSource>(id, waiter));
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Takes <paramref name="waiter"/> out once its caller has its answer, waking any other caller that shares it (it
    /// reads again) rather than leaving it to a wake that may have come already.
    /// </summary>
    private void Unregister(Guid id, TaskCompletionSource waiter)
    {
        if (_waiters.TryRemove(new KeyValuePair<Guid, TaskCompletionSource>(id, waiter)))
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>
    /// Hands the row a worker of this client just committed as <paramref name="outcome"/>'s final state to the callers
    /// waiting for it (<see cref="StartAwaiting"/>), so they need not read it back; a caller that starts waiting later reads it.
    /// </summary>
    internal void HandOverOutcome(ExecutionInfo outcome)
    {
        lock (_awaitedGate)
        {
            if (_awaited.TryGetValue(outcome.Id, out var awaited))
            {
                awaited.Outcome = outcome;
            }
        }

        WakeWaiter(outcome.Id);
    }

    private NotificationListener? EnsureListener()
    {
        if (Options.PollOnly)
        {
            return null;
        }

        lock (_listenerGate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (_listener is null)
            {
                // Past a transaction-pooling PgBouncer, LISTEN needs a direct connection of its own.
                _listenDataSource = DataSourceTuning.BuildListen(Options.ListenConnectionString, Options.LoggerFactory);
                _listener = new NotificationListener(_listenDataSource ?? Store.DataSource, Logger);
                _listener.Subscribe(OnNotification);
                _listener.Reconnected += WakeAllWaiters;
                _listener.Start();
            }

            return _listener;
        }
    }

    internal NotificationListener? Listener => EnsureListener();

    private void OnNotification(string channel, string payload)
    {
        if (channel != SharedNames.FinishedChannel)
        {
            return;
        }

        foreach (var part in payload.Split(','))
        {
            if (Guid.TryParse(part, out var id))
            {
                WakeWaiter(id);
            }
        }
    }

    /// <summary>Wakes the callers waiting for <paramref name="id"/>'s outcome: they read it again.</summary>
    internal void WakeWaiter(Guid id)
    {
        if (_waiters.TryRemove(id, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    private void WakeAllWaiters()
    {
        foreach (var key in _waiters.Keys)
        {
            if (_waiters.TryRemove(key, out var waiter))
            {
                waiter.TrySetResult();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        NotificationListener? listener;
        lock (_listenerGate)
        {
            listener = _listener;
        }

        if (listener is not null)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        if (_listenDataSource is not null)
        {
            await _listenDataSource.DisposeAsync().ConfigureAwait(false);
        }

        if (ReferenceEquals(Default, this))
        {
            Default = null;
        }

        if (_ownsDataSource)
        {
            await Store.DataSource.DisposeAsync().ConfigureAwait(false);
            if (_relaxed is not null)
            {
                await _relaxed.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
