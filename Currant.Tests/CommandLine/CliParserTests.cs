using Currant.CommandLine;

namespace Currant.Tests.CommandLine;

/// <summary>The command line's own parser, on a small command tree (no database).</summary>
public sealed class CliParserTests
{
    private readonly CliOption<string?> _url = new("--database-url", "-d") { Description = "Database", Recursive = true };
    private readonly CliOption<string[]> _queues = new("--queue", "-q") { Description = "Queue (repeatable)", AllowMultipleArgumentsPerToken = true };
    private readonly CliOption<int?> _concurrency = new("--concurrency", "-c") { Description = "Concurrency" };
    private readonly CliOption<int> _limit = new("--limit", "-n") { Description = "At most", DefaultValueFactory = () => 50 };
    private readonly CliOption<bool> _json = new("--json") { Description = "Print JSON" };
    private readonly CliOption<string[]> _required = new("--must") { Description = "Needed", Required = true };
    private readonly CliArgument<string> _id = new("id") { Description = "Execution id" };
    private readonly CliArgument<string?> _payload = new("json") { Description = "Payload", Required = false };
    private readonly CliCommand _root;
    private readonly CliCommand _worker;
    private readonly CliCommand _signal;
    private readonly CliCommand _inner;

    public CliParserTests()
    {
        var ok = (CliParseResult _, CancellationToken _) => Task.FromResult(0);
        _worker = new CliCommand("worker", "Run a worker.") { Options = { _queues, _concurrency, _json }, Action = ok };
        _signal = new CliCommand("signal", "Send a signal.") { Arguments = { _id, _payload }, Action = ok };
        _inner = new CliCommand("inner", "Hidden inner.") { Hidden = true, Options = { _required }, Action = ok };
        var list = new CliCommand("list", "List executions.") { Options = { _limit, _json }, Subcommands = { _inner }, Action = ok };
        _root = new CliCommand("currant", "Root.") { Options = { _url }, Subcommands = { _worker, _signal, list } };
    }

    private CliParseResult Parse(string line) => CliParser.Parse(_root, line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [Test]
    public void LongAndShortNames_WithSpaceOrEquals_AllGiveTheValue()
    {
        foreach (var line in new[] { "worker --concurrency 4", "worker -c 4", "worker --concurrency=4", "worker -c=4" })
        {
            var parse = Parse(line);
            Assert.That(parse.Errors, Is.Empty, line);
            Assert.That(parse.Command, Is.SameAs(_worker));
            Assert.That(parse.GetValue(_concurrency), Is.EqualTo(4), line);
        }
    }

    [Test]
    public void AbsentOptions_GiveTheirDefaults_AndAreNotGiven()
    {
        var parse = Parse("list");

        Assert.That(parse.Errors, Is.Empty);
        Assert.That(parse.GetValue(_limit), Is.EqualTo(50));
        Assert.That(parse.GetValue(_json), Is.False);
        Assert.That(parse.GetValue(_url), Is.Null);
        Assert.That(parse.GetValue(_queues), Is.Empty);
        Assert.That(parse.WasGiven(_limit), Is.False);
        Assert.That(Parse("list -n 50").WasGiven(_limit), Is.True);
    }

    [Test]
    public void Flags_TakeNoValue_ButAcceptAnExplicitOne()
    {
        Assert.That(Parse("list --json").GetValue(_json), Is.True);
        Assert.That(Parse("list --json=false").GetValue(_json), Is.False);
        Assert.That(Parse("list --json=maybe").Errors, Has.Some.Contain("'maybe' is not a valid value for --json: expected true or false"));
    }

    [Test]
    public void RepeatableOptions_CollectEveryValue_OnePerTokenOrSeveral()
    {
        Assert.That(Parse("worker -q a --queue b -q=c").GetValue(_queues), Is.EqualTo(new[] { "a", "b", "c" }));
        var several = Parse("worker -q a b --json");
        Assert.That(several.GetValue(_queues), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(several.GetValue(_json), Is.True);
    }

    [Test]
    public void RecursiveOptions_WorkBeforeAndAfterTheSubcommand()
    {
        Assert.That(Parse("-d x list").GetValue(_url), Is.EqualTo("x"));
        Assert.That(Parse("list --database-url x").GetValue(_url), Is.EqualTo("x"));
        Assert.That(Parse("list inner --must m -d=x").GetValue(_url), Is.EqualTo("x"));
    }

    [Test]
    public void PositionalArguments_FillInOrder_OptionalOnesMayBeLeftOut()
    {
        var both = Parse("signal 42 {\"ok\":true} -d x");
        var one = Parse("signal 42");

        Assert.That(both.Errors, Is.Empty);
        Assert.That((both.GetValue(_id), both.GetValue(_payload)), Is.EqualTo(("42", "{\"ok\":true}")));
        Assert.That(one.Errors, Is.Empty);
        Assert.That(one.GetValue(_payload), Is.Null);
    }

    [Test]
    public void AfterDoubleDash_EverythingIsAnArgument()
    {
        var parse = CliParser.Parse(_root, ["signal", "--", "--not-an-option", "-x"]);

        Assert.That(parse.Errors, Is.Empty);
        Assert.That((parse.GetValue(_id), parse.GetValue(_payload)), Is.EqualTo(("--not-an-option", "-x")));
    }

    [Test]
    public void AValueOption_TakesTheNextTokenEvenIfItLooksLikeAnOption()
        => Assert.That(Parse("worker -c -3").GetValue(_concurrency), Is.EqualTo(-3));

    [Test]
    public void ANegativeNumberWhereAnArgumentIsExpected_IsThatArgument()
        => Assert.That(Parse("signal -1").GetValue(_id), Is.EqualTo("-1"));

    [TestCase("lst", "Unknown command 'lst' for 'currant'. Commands: worker, signal, list.")]
    [TestCase("list --jsn", "Unknown option '--jsn' for 'currant list'. Options: --database-url, -d, --limit, -n, --json, --help.")]
    [TestCase("list -n many", "'many' is not a valid value for --limit: expected a whole number.")]
    [TestCase("list -n", "--limit needs a value.")]
    [TestCase("list -n 1 -n 2", "--limit was given more than once (it takes one value).")]
    [TestCase("signal", "'currant signal' needs <id> (Execution id).")]
    [TestCase("signal a b c", "Unexpected argument 'c' for 'currant signal'.")]
    [TestCase("list inner", "'currant list inner' needs --must (Needed).")]
    [TestCase("worker --json --limit 3", "Unknown option '--limit' for 'currant worker'.")]
    [TestCase("", "No command given. Commands: worker, signal, list.")]
    public void Mistakes_AreReportedInOneClearSentence(string line, string message)
        => Assert.That(Parse(line).Errors, Has.Some.StartWith(message));

    [Test]
    public void AnUnknownCommand_IsTheOnlyErrorReported()
        => Assert.That(Parse("lst").Errors, Has.Count.EqualTo(1));

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("-?")]
    [TestCase("list --help")]
    [TestCase("signal -h")]
    public void Help_IsRecognisedAnywhere_EvenWhenSomethingElseIsWrong(string line)
    {
        var parse = Parse(line + " --bogus");

        Assert.That(parse.HelpRequested, Is.True);
    }

    [Test]
    public void Help_ListsUsageArgumentsOptionsAndCommands_ButNotHiddenOnes()
    {
        var root = CliParser.Help([_root]);
        var signal = CliParser.Help([_root, _signal]);
        var list = CliParser.Help(Parse("list").Path);

        Assert.That(root, Does.Contain("Usage:").And.Contain("currant <command> [options]")
            .And.Contain("-d, --database-url <database-url>").And.Contain("Database")
            .And.Contain("worker").And.Contain("Run a worker.").And.Contain("--version").And.Contain("-?, -h, --help"));
        Assert.That(signal, Does.Contain("currant signal <id> [<json>] [options]").And.Contain("Execution id").And.Contain("Payload (optional)").And.Contain("--database-url"));
        Assert.That(list, Does.Contain("-n, --limit <limit>").And.Contain("At most (default: 50)").And.Not.Contain("inner").And.Not.Contain("--version"));
    }

    [Test]
    public async Task Invoke_WithHelp_PrintsItAndReturnsZero_WithAMistake_PrintsErrorsAndReturnsOne()
    {
        var (output, error) = (new StringWriter(), new StringWriter());

        var help = await CliParser.InvokeAsync(_root, ["worker", "--help"], output, error, TimeSpan.FromSeconds(1), CancellationToken.None);
        var bad = await CliParser.InvokeAsync(_root, ["worker", "-c", "x"], output, error, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.That(help, Is.Zero);
        Assert.That(output.ToString(), Does.Contain("Run a worker.").And.Contain("-q, --queue <queue>"));
        Assert.That(bad, Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("error: 'x' is not a valid value for --concurrency: expected a whole number.").And.Contain("Run 'currant worker --help' for usage."));
    }

    [Test]
    public async Task Invoke_RunsTheAction_WithItsValues_AndReturnsItsExitCode_OrOneForWhatItLetsOut()
    {
        var seen = 0;
        var root = new CliCommand("tool", "")
        {
            Options = { _url },
            Subcommands =
            {
                new CliCommand("go", "") { Options = { _limit }, Action = (parse, _) => Task.FromResult(seen = parse.GetValue(_limit)) },
                new CliCommand("crash", "") { Action = (_, _) => throw new InvalidOperationException("boom") },
                new CliCommand("cancelled", "") { Action = (_, _) => throw new OperationCanceledException() },
            },
        };
        var error = new StringWriter();

        Assert.That(await CliParser.InvokeAsync(root, ["go", "-n", "7"], TextWriter.Null, error, TimeSpan.FromSeconds(1), CancellationToken.None), Is.EqualTo(7));
        Assert.That(seen, Is.EqualTo(7));
        Assert.That(await CliParser.InvokeAsync(root, ["cancelled"], TextWriter.Null, error, TimeSpan.FromSeconds(1), CancellationToken.None), Is.EqualTo(1));
        Assert.That(error.ToString(), Is.Empty);
        Assert.That(await CliParser.InvokeAsync(root, ["crash"], TextWriter.Null, error, TimeSpan.FromSeconds(1), CancellationToken.None), Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("Unhandled exception: System.InvalidOperationException: boom"));
    }

    [Test]
    public async Task Invoke_PassesCancellationToTheAction()
    {
        using var stop = new CancellationTokenSource();
        var root = new CliCommand("tool", "")
        {
            Subcommands =
            {
                new CliCommand("wait", "")
                {
                    Action = async (_, ct) =>
                    {
                        await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                        return 5;
                    },
                },
            },
        };

        var running = CliParser.InvokeAsync(root, ["wait"], TextWriter.Null, TextWriter.Null, TimeSpan.FromSeconds(10), stop.Token);
        await stop.CancelAsync();

        Assert.That(await running.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(5));
    }

    [Test]
    public void TheCurrantCommands_HaveHelpThatListsThemAll()
    {
        var help = CliParser.Help([CurrantCommandLine.Build()]);

        Assert.That(CurrantCommandLine.HostCommandNames, Has.All.Matches<string>(name => help.Contains($"  {name} ", StringComparison.Ordinal)));
        Assert.That(help, Does.Contain("--database-url"));
    }

    [Test]
    public async Task TheCurrantCommands_ReportAMistakeBeforeConnecting()
    {
        var error = new StringWriter();

        var code = await CurrantCommandLine.InvokeAsync(["list", "--limit", "ten", "-d", "Host=127.0.0.1;Port=1"], output: TextWriter.Null, error: error);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.ToString(), Does.StartWith("error: 'ten' is not a valid value for --limit: expected a whole number."));
    }
}
