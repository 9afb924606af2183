using System.Text.Json;
using Currant.CommandLine;
using Currant.Tests.Schedules;

namespace Currant.Tests.CommandLine;

/// <summary><c>currant schedules list|pause|resume|trigger|delete</c> against a real database.</summary>
public sealed class ScheduleCommandsTests : CurrantFixture
{
    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CurrantCommandLine.InvokeAsync([.. args, "--database-url", ConnectionString], output: output, error: error);
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Schedules_PauseResumeTriggerDelete_ChangeTheScheduleAndSaySo()
    {
        var name = "cli-" + NewKey();
        var queue = NewQueue("sched");
        await ScheduledRecord.Options(queue: queue, client: Client).Schedule(name, new ScheduleSpec("0 3 * * *") { TimeZone = "Europe/Berlin" }, "k");

        var list = await RunAsync("schedules", "list");
        Assert.That(list.Code, Is.Zero, list.Err);
        Assert.That(list.Out, Does.Contain("NAME").And.Contain(name).And.Contain("ScheduledRecord").And.Contain("0 3 * * *").And.Contain("Europe/Berlin").And.Contain("active"));

        var pause = await RunAsync("schedules", "pause", name);
        Assert.That((pause.Code, pause.Out.Trim()), Is.EqualTo((0, $"Schedule '{name}' paused.")));
        Assert.That((await Client.Schedules.GetAsync(name))!.Paused, Is.True);
        Assert.That((await RunAsync("schedules", "list")).Out, Does.Contain("paused"));

        var trigger = await RunAsync("schedules", "trigger", name);
        Assert.That(trigger.Code, Is.Zero, trigger.Err);
        var runId = Guid.Parse(trigger.Out.Trim().Split("run ")[1].TrimEnd('.'));
        var run = await Client.GetExecutionAsync(runId);
        Assert.That((run!.Name, run.Queue, run.Arguments), Is.EqualTo(("ScheduledRecord", queue, "[\"k\"]")));

        var resume = await RunAsync("schedules", "resume", name);
        Assert.That((resume.Code, resume.Out.Trim()), Is.EqualTo((0, $"Schedule '{name}' resumed.")));
        Assert.That((await Client.Schedules.GetAsync(name))!.Paused, Is.False);

        var delete = await RunAsync("schedules", "delete", name);
        Assert.That((delete.Code, delete.Out.Trim()), Is.EqualTo((0, $"Schedule '{name}' deleted.")));
        Assert.That(await Client.Schedules.GetAsync(name), Is.Null);
    }

    [Test]
    public async Task Schedules_ListJson_PrintsEveryFieldWithArgumentsAsJson()
    {
        var name = "json-" + NewKey();
        await ScheduledRecord.Options(queue: NewQueue("sched"), client: Client).Schedule(name, new ScheduleSpec("*/5 * * * * *") { Overlap = ScheduleOverlap.Allow, CatchUpWindow = TimeSpan.FromMinutes(2) }, "arg");

        var (code, output, error) = await RunAsync("schedules", "list", "--json");

        Assert.That(code, Is.Zero, error);
        using var doc = JsonDocument.Parse(output);
        var row = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        Assert.That(row.GetProperty("arguments")[0].GetString(), Is.EqualTo("arg"));
        Assert.That(row.GetProperty("cron").GetString(), Is.EqualTo("*/5 * * * * *"));
        Assert.That(row.GetProperty("overlap").GetString(), Is.EqualTo("Allow"));
        Assert.That(row.GetProperty("catchUpWindowSeconds").GetDouble(), Is.EqualTo(120));
        Assert.That(row.GetProperty("nextRunAt").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddSeconds(-5)));
        await Client.Schedules.DeleteAsync(name);
    }

    [Test]
    public async Task Schedules_ActionsWithJson_PrintWhatTheyDid()
    {
        var name = "jsonact-" + NewKey();
        await ScheduledRecord.Options(queue: NewQueue("sched"), client: Client).Schedule(name, new ScheduleSpec("0 3 * * *"), "j");

        foreach (var verb in new[] { "pause", "resume", "trigger", "delete" })
        {
            var (code, output, error) = await RunAsync("schedules", verb, name, "--json");
            Assert.That(code, Is.Zero, error);
            using var doc = JsonDocument.Parse(output);
            Assert.That(doc.RootElement.GetProperty("schedule").GetString(), Is.EqualTo(name));
            Assert.That(doc.RootElement.GetProperty("action").GetString(), Is.EqualTo(verb == "trigger" ? "triggered" : verb + (verb.EndsWith('e') ? "d" : "ed")));
            var runId = doc.RootElement.GetProperty("runId");
            if (verb == "trigger")
            {
                Assert.That((await Client.GetExecutionAsync(runId.GetGuid()))!.Name, Is.EqualTo("ScheduledRecord"));
            }
            else
            {
                Assert.That(runId.ValueKind, Is.EqualTo(JsonValueKind.Null));
            }
        }

        Assert.That(await Client.Schedules.GetAsync(name), Is.Null);
    }

    [TestCase("pause")]
    [TestCase("resume")]
    [TestCase("trigger")]
    [TestCase("delete")]
    public async Task Schedules_OnAnUnknownName_FailsWithAClearError(string verb)
    {
        var (code, output, error) = await RunAsync("schedules", verb, "no-such-schedule");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Is.Empty);
        Assert.That(error.Trim(), Is.EqualTo("error: No schedule is named 'no-such-schedule'. 'schedules list' shows them."));
    }
}
