using System.Diagnostics;
using System.Text.Json;
using Currant.CommandLine;
using Currant.Tests.Jobs;
using Npgsql;

namespace Currant.Tests.CommandLine;

public sealed class CurrantCommandLineTests : CurrantFixture
{
    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CurrantCommandLine.InvokeAsync([.. args, "--database-url", ConnectionString], output: output, error: error);
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Migrate_OnAFreshDatabase_AppliesThenReportsUpToDate()
    {
        var fresh = await TestDatabase.CreateDatabaseAsync("climigrate");
        var output = new StringWriter();

        Assert.That(await CurrantCommandLine.InvokeAsync(["migrate", "-d", fresh], output: output), Is.Zero);
        Assert.That(await CurrantCommandLine.InvokeAsync(["migrate", "-d", fresh], output: output), Is.Zero);

        var all = Currant.Persistence.Migrator.All;
        Assert.That(output.ToString(), Does.Contain($"Applied {all.Count} migration(s): {string.Join(", ", all.Select(m => m.Name))}").And.Contain("Schema is up to date."));
        Assert.That(all.Select(m => m.Name), Does.Contain("0001_init").And.Contain("0002_workflows").And.Contain("0004_timers_on_time"));
    }

    [Test]
    public async Task Migrate_WithJson_ListsWhatItApplied_ThenNothing()
    {
        var fresh = await TestDatabase.CreateDatabaseAsync("climigratejson");
        var first = new StringWriter();
        var second = new StringWriter();

        Assert.That(await CurrantCommandLine.InvokeAsync(["migrate", "-d", fresh, "--json"], output: first), Is.Zero);
        Assert.That(await CurrantCommandLine.InvokeAsync(["migrate", "-d", fresh, "--json"], output: second), Is.Zero);

        using var applied = System.Text.Json.JsonDocument.Parse(first.ToString());
        using var again = System.Text.Json.JsonDocument.Parse(second.ToString());
        Assert.That(applied.RootElement.GetProperty("applied").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(Currant.Persistence.Migrator.All.Select(m => m.Name)));
        Assert.That(again.RootElement.GetProperty("applied").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Status_WithJson_PrintsTheExecutionWithEmbeddedArguments()
    {
        var handle = await Greet.Options(queue: NewQueue(), client: Client).Queue("json");

        var (code, output, _) = await RunAsync("status", handle.Id.ToString(), "--json");

        Assert.That(code, Is.Zero);
        using var doc = JsonDocument.Parse(output);
        Assert.That(doc.RootElement.GetProperty("id").GetGuid(), Is.EqualTo(handle.Id));
        Assert.That(doc.RootElement.GetProperty("state").GetString(), Is.EqualTo("pending"));
        Assert.That(doc.RootElement.GetProperty("arguments")[0].GetString(), Is.EqualTo("json"));
    }

    [Test]
    public async Task Status_OfACompletedJob_ShowsItsResult()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);
        var handle = await Greet.Options(queue: queue, client: Client).Queue("text");
        await handle.GetResultAsync(Wait);

        var (code, output, _) = await RunAsync("status", handle.Id.ToString());

        Assert.That(code, Is.Zero);
        Assert.That(output, Does.Contain("completed").And.Contain("Hello, text!").And.Contain("1 of 4"));
    }

    [TestCase("not-a-guid", "is not an execution id")]
    [TestCase("01a2057f-9d20-7af1-bde5-7cfbe67c9120", "No execution with id")]
    public async Task Status_WithABadOrUnknownId_FailsWithAClearMessage(string id, string message)
    {
        var (code, _, error) = await RunAsync("status", id);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain(message));
    }

    [Test]
    public async Task List_FiltersByQueueAndStatus()
    {
        var queue = NewQueue();
        await Greet.Options(queue: queue, client: Client).Queue("one");
        await Greet.Options(queue: queue, client: Client).Queue("two");

        var (code, output, _) = await RunAsync("list", "--queue", queue, "--status", "pending", "--json");
        var (_, table, _) = await RunAsync("list", "--queue", queue);

        Assert.That(code, Is.Zero);
        using var doc = JsonDocument.Parse(output);
        Assert.That(doc.RootElement.GetArrayLength(), Is.EqualTo(2));
        Assert.That(table, Does.Contain("Greet").And.Contain("pending"));
    }

    [Test]
    public async Task List_WithAnUnknownStatus_NamesTheValidOnes()
    {
        var (code, _, error) = await RunAsync("list", "--status", "sleeping");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("Unknown status 'sleeping'").And.Contain("pending, running"));
    }

    [Test]
    public async Task Cancel_APendingJobThenAgain_CancelsOnceThenSaysItFinished()
    {
        var handle = await Greet.Options(queue: NewQueue(), client: Client).Queue("cancel me");

        var first = await RunAsync("cancel", handle.Id.ToString());
        var second = await RunAsync("cancel", handle.Id.ToString());

        Assert.That(first.Code, Is.Zero);
        Assert.That(first.Out, Does.Contain("Cancellation requested"));
        Assert.That(second.Code, Is.EqualTo(1));
        Assert.That(second.Err, Does.Contain("already finished (cancelled)"));
    }

    [Test]
    public async Task Signal_ToAWaitingWorkflow_IsStoredAndMalformedJsonIsRefused()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue);
        var handle = await Workflows.Approval.Options(queue: queue, client: Client).Queue(NewKey(), 30);

        var bad = await RunAsync("signal", handle.Id.ToString(), "decision", "{not json");
        var good = await RunAsync("signal", handle.Id.ToString(), "decision", "\"ship it\"");

        Assert.That(bad.Code, Is.EqualTo(1));
        Assert.That(bad.Err, Does.Contain("not valid JSON"));
        Assert.That(good.Code, Is.Zero, good.Err);
        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("decided:ship it"));
        var late = await RunAsync("signal", handle.Id.ToString(), "decision", "\"again\"");
        Assert.That(late.Code, Is.EqualTo(1));
        Assert.That(late.Err, Does.Contain("has already finished (completed)"));
    }

    [Test]
    public async Task History_OfAWorkflow_ListsEachStepAndRefusesJobs()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue);
        var handle = await Workflows.Chain.Options(queue: queue, client: Client).Queue(NewKey(), 2);
        await handle.GetResultAsync(Wait);
        var job = await Greet.Options(queue: NewQueue(), client: Client).Queue("x");

        var (code, table, _) = await RunAsync("history", handle.Id.ToString());
        var (_, json, _) = await RunAsync("history", handle.Id.ToString(), "--json");
        var notWorkflow = await RunAsync("history", job.Id.ToString());

        Assert.That(code, Is.Zero);
        Assert.That(table, Does.Contain("activity").And.Contain("Echo").And.Contain("\"STEP1\"").And.Contain("completed"));
        using var doc = JsonDocument.Parse(json);
        Assert.That(doc.RootElement.GetProperty("format").GetString(), Is.EqualTo("currant-history/1"));
        Assert.That(doc.RootElement.GetProperty("workflow").GetProperty("id").GetGuid(), Is.EqualTo(handle.Id));
        Assert.That(doc.RootElement.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "activity"), Is.EqualTo(2));
        Assert.That(notWorkflow.Code, Is.EqualTo(1));
        Assert.That(notWorkflow.Err, Does.Contain("only workflows have a history"));
    }

    [Test]
    public async Task Retry_OfAFailedJob_RunsItOnceMore()
    {
        var queue = NewQueue();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);
        var handle = await Flaky.Options(queue: queue, retries: 0, client: Client).Queue(key, 1);
        await Assert.ThrowsAsync<ExecutionFailedException>(async () => await handle.GetResultAsync(Wait));

        var (code, output, _) = await RunAsync("retry", handle.Id.ToString());

        Assert.That(code, Is.Zero);
        Assert.That(output, Does.Contain("pending again"));
        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(2));
        var second = await RunAsync("retry", handle.Id.ToString());
        Assert.That(second.Code, Is.EqualTo(1));
        Assert.That(second.Err, Does.Contain("only failed executions and parked workflows"));
    }

    [Test]
    public async Task Worker_OnAnUnmigratedDatabase_ExitsWithTheFix()
    {
        var empty = await TestDatabase.CreateDatabaseAsync("cliempty");
        var error = new StringWriter();

        var code = await CurrantCommandLine.InvokeAsync(["worker", "-q", "x", "-d", empty], output: new StringWriter(), error: error);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("currant migrate"));
    }

    [Test]
    public async Task AnyCommand_WithAnUnreachableDatabase_ExitsWithAClearError()
    {
        var error = new StringWriter();

        var code = await CurrantCommandLine.InvokeAsync(["list", "-d", "Host=127.0.0.1;Port=1;Database=x;Username=x;Timeout=3"], output: new StringWriter(), error: error);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("Cannot connect to PostgreSQL at x@127.0.0.1:1/x"));
    }

    [Test]
    public async Task Worker_WithAMissingAssembly_ExitsWithTheExpectedPath()
    {
        var error = new StringWriter();

        var code = await CurrantCommandLine.InvokeAsync(["worker", "--assembly", "/nope/App.dll", "-d", ConnectionString], output: new StringWriter(), error: error);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("/nope/App.dll").And.Contain("does not exist"));
    }

    [Test]
    public async Task Dev_StartsAMigratedServerAndStopsItOnCtrlC()
    {
        // Through `env --default-signal=INT`: a test run started in the background by a non-interactive shell (as a
        // CI script may be) ignores SIGINT, and an ignored signal stays ignored in every child, so Ctrl-C would never
        // reach `currant dev`. A terminal's Ctrl-C reaches it with the default disposition, which this restores.
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(RepoPaths.Output("Currant.Cli", "currant.dll"));
        info.ArgumentList.Add("dev");
        using var process = new Process { StartInfo = info };
        var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lines.Enqueue(e.Data);
            if (e.Data.StartsWith("export CURRANT_DATABASE_URL=", StringComparison.Ordinal))
            {
                url.TrySetResult(e.Data["export CURRANT_DATABASE_URL=".Length..].Trim('"'));
            }
        };
        process.ErrorDataReceived += (_, e) => lines.Enqueue(e.Data ?? "");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var connectionString = await url.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await using (var client = await CurrantClient.ConnectAsync(connectionString))
            {
                await client.EnsureSchemaAsync();
            }

            // Ctrl-C, as a user would press it.
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            {
                await kill.WaitForExitAsync();
            }

            Assert.That(process.WaitForExit(30_000), Is.True, string.Join("\n", lines));
            // The parameterless wait also waits for the redirected output to be fully read (the timed one does not).
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.Zero, string.Join("\n", lines));
            Assert.That(lines, Has.Some.EqualTo("Stopping PostgreSQL..."));
            await using var probe = new NpgsqlConnection(connectionString + ";Timeout=2;Pooling=false");
            await Assert.ThrowsAsync<NpgsqlException>(async () => await probe.OpenAsync(), "the server is stopped after Ctrl-C");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Test]
    public async Task List_HidesInternalTimersUnlessAllOrKindTimer()
    {
        var queue = NewQueue("wf");
        await using (await StartWorkerAsync(queue))
        {
            var sleepy = await Workflows.Sleepy.Options(queue: queue, client: Client).Queue(NewKey(), 0.2);
            await sleepy.GetResultAsync(Wait);
        }

        static string[] Kinds(string json) => JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).Distinct().Order().ToArray();
        var byDefault = await RunAsync("list", "--queue", queue, "--json");
        var all = await RunAsync("list", "--queue", queue, "--all", "--json");
        var timers = await RunAsync("list", "--queue", queue, "--kind", "timer", "--json");
        var workflows = await RunAsync("list", "--queue", queue, "-k", "Workflow", "--json");
        var table = await RunAsync("list", "--queue", queue);
        var unknown = await RunAsync("list", "--kind", "cron");

        Assert.That(Kinds(byDefault.Out), Does.Contain("workflow").And.Not.Contain("timer"));
        Assert.That(Kinds(all.Out), Does.Contain("workflow").And.Contain("timer"));
        Assert.That(Kinds(timers.Out), Is.EqualTo(new[] { "timer" }));
        Assert.That(Kinds(workflows.Out), Is.EqualTo(new[] { "workflow" }));
        Assert.That(table.Out, Does.Contain("Sleepy").And.Not.Contain("timer"));
        Assert.That(unknown.Code, Is.EqualTo(1));
        Assert.That(unknown.Err, Does.Contain("Unknown kind 'cron'").And.Contain("job, activity, workflow, timer"));
    }

    [Test]
    public async Task History_OfAJob_SaysItIsAJobWithTheRightArticle()
    {
        var job = await Greet.Options(queue: NewQueue(), client: Client).Queue("x");

        var (code, _, error) = await RunAsync("history", job.Id.ToString());

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain($"Execution {job.Id} is a job; only workflows have a history"));
    }

    [Test]
    public async Task Signal_WithoutPayload_ToABoolWait_FailsTheWaitClearlyInsteadOfDeliveringFalse()
    {
        var queue = NewQueue("cli");
        await using var worker = await StartWorkerAsync(queue);
        var typed = await WaitsForBool.Options(queue: queue, client: Client).Queue();
        var nullable = await WaitsForNullableBool.Options(queue: queue, client: Client).Queue();
        var withPayload = await WaitsForBool.Options(queue: queue, client: Client).Queue();

        Assert.That((await RunAsync("signal", typed.Id.ToString(), "ok")).Code, Is.Zero);
        Assert.That((await RunAsync("signal", nullable.Id.ToString(), "ok")).Code, Is.Zero);
        Assert.That((await RunAsync("signal", withPayload.Id.ToString(), "ok", "false")).Code, Is.Zero);

        var failure = await Assert.ThrowsAsync<ExecutionFailedException>(async () => await typed.GetResultAsync(Wait));
        Assert.That(failure!.Error.Message, Does.Contain("'ok' signal arrived without a payload").And.Contain("Boolean"));
        Assert.That(await nullable.GetResultAsync(Wait), Is.EqualTo("empty"));
        Assert.That(await withPayload.GetResultAsync(Wait), Is.EqualTo("no"));
    }

    [Test]
    public async Task Queues_PauseLimitListResume_ChangeTheQueueForEveryWorker()
    {
        var queue = NewQueue();
        await Greet.Options(queue: queue, client: Client).Queue("waiting");

        var paused = await RunAsync("queues", "pause", queue);
        var limited = await RunAsync("queues", "limit", queue, "4", "--json");
        var table = await RunAsync("queues", "list");
        var json = await RunAsync("queues", "list", "--json");
        var badLimit = await RunAsync("queues", "limit", queue, "0");
        var badName = await RunAsync("queues", "pause", "no spaces allowed");
        var resumed = await RunAsync("queues", "resume", queue);
        var unlimited = await RunAsync("queues", "limit", queue, "none");

        Assert.That(paused.Code, Is.Zero, paused.Err);
        Assert.That(paused.Out, Does.Contain($"Queue '{queue}' paused."));
        using (var doc = JsonDocument.Parse(limited.Out))
        {
            Assert.That(doc.RootElement.GetProperty("maxConcurrency").GetInt32(), Is.EqualTo(4));
            Assert.That(doc.RootElement.GetProperty("paused").GetBoolean(), Is.True);
        }

        var row = table.Out.Split('\n').Single(l => l.StartsWith(queue, StringComparison.Ordinal));
        Assert.That(row, Does.Match($@"^{queue}\s+paused\s+4\s+1\s+0$"));
        Assert.That(JsonDocument.Parse(json.Out).RootElement.EnumerateArray().Any(q => q.GetProperty("name").GetString() == queue), Is.True);
        Assert.That(badLimit.Code, Is.EqualTo(1));
        Assert.That(badLimit.Err, Does.Contain("at least 1").And.Contain("'none'"));
        Assert.That(badName.Code, Is.EqualTo(1));
        Assert.That(badName.Err, Does.Contain("queue name"));
        Assert.That(resumed.Out, Does.Contain("resumed"));
        Assert.That(unlimited.Out, Does.Contain("unlimited"));
        var after = (await Client.Queues.ListAsync()).Single(q => q.Name == queue);
        Assert.That((after.Paused, after.MaxConcurrency), Is.EqualTo((false, (int?)null)));
    }
}
