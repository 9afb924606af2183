using System.Diagnostics;
using Currant.Tests.Workflows;
using Npgsql;

namespace Currant.Tests.Examples;

/// <summary>
/// examples/FromPython/currant_sql.py: Python with its ordinary driver (psycopg2, Debian's python3-psycopg2, which
/// .ci/run installs) enqueues a job and a workflow and signals the workflow; a .NET worker runs them.
/// </summary>
public sealed class FromPythonExampleTests : CurrantFixture
{
    private const string Python = "/usr/bin/python3";

    private async Task<(int Code, string Out, string Err)> RunScriptAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "examples", "FromPython", "currant_sql.py"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        info.Environment["CURRANT_PG_DSN"] = $"host={b.Host} port={b.Port} dbname={b.Database} user={b.Username}" + (b.Password is { } p ? $" password={p}" : "");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }

    [Test]
    public async Task PythonScript_EnqueuesAndSignals_AndADotNetWorkerRunsThem()
    {
        Assert.That(File.Exists(Python), Is.True, "python3 with psycopg2 is needed: apt-get install python3-psycopg2 (.ci/run installs it)");
        var queue = NewQueue("py");
        await using var worker = await StartWorkerAsync(queue);

        var job = await RunScriptAsync("enqueue", "Greet", "[\"python\"]", "--queue", queue);
        Assert.That(job.Code, Is.Zero, job.Err);
        var jobInfo = await Client.WaitForCompletionAsync(Guid.Parse(job.Out), Wait);
        Assert.That(jobInfo.Result, Does.Contain("Hello, python!"));

        var workflow = await RunScriptAsync("enqueue", "Approval", $"[\"{NewKey()}\", 60]", "--queue", queue, "--key", NewKey());
        Assert.That(workflow.Code, Is.Zero, workflow.Err);
        var signal = await RunScriptAsync("signal", workflow.Out, "decision", "\"from python\"");
        Assert.That(signal.Code, Is.Zero, signal.Err);
        Assert.That(await new ExecutionHandle<string>(Client, Guid.Parse(workflow.Out)).GetResultAsync(Wait), Is.EqualTo("decided:from python"));

        var bad = await RunScriptAsync("enqueue", "Greet", "{\"name\": 1}");
        Assert.That(bad.Code, Is.EqualTo(1));
        Assert.That(bad.Err, Does.Contain("must be a JSON array of 1 value(s) (name), but were a JSON object"));
    }
}
