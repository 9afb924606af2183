using Currant.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Currant.Tests.Hosting;

/// <summary>The <c>Currant</c> configuration section as <c>AddCurrant</c> and <c>AddWorker</c> bind it.</summary>
public sealed class CurrantConfigurationTests
{
    private static IServiceProvider Build(Dictionary<string, string?> settings, Action<CurrantBuilder>? configure = null, Action<CurrantOptions>? client = null)
    {
        var builder = TestHosts.Builder(settings);
        var currant = builder.Services.AddCurrant(client);
        if (configure is null)
        {
            currant.AddWorker();
        }
        else
        {
            configure(currant);
        }

        return builder.Services.BuildServiceProvider();
    }

    [Test]
    public async Task Worker_ReadsEverySettingOfTheCurrantWorkerSection()
    {
        await using var services = (ServiceProvider)Build(new()
        {
            ["Currant:Worker:Queues:0"] = "emails",
            ["Currant:Worker:Queues:1"] = "orders",
            ["Currant:Worker:MaxConcurrency"] = "7",
            ["Currant:Worker:PollInterval"] = "250ms",
            ["Currant:Worker:HeartbeatInterval"] = "2s",
            ["Currant:Worker:HeartbeatTimeout"] = "00:00:20",
            ["Currant:Worker:ShutdownGrace"] = "12",
            ["Currant:Worker:RetryBaseDelay"] = "100ms",
            ["Currant:Worker:RetryMaxDelay"] = "1m",
            ["Currant:Worker:PollOnly"] = "true",
        });

        var options = services.GetRequiredService<IOptionsMonitor<HostedWorkerOptions>>().Get(Options.DefaultName);

        Assert.Multiple(() =>
        {
            Assert.That(options.Queues, Is.EqualTo(new[] { "emails", "orders" }));
            Assert.That(options.MaxConcurrency, Is.EqualTo(7));
            Assert.That(options.PollInterval, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(options.HeartbeatInterval, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(options.HeartbeatTimeout, Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(options.ShutdownGrace, Is.EqualTo(TimeSpan.FromSeconds(12)));
            Assert.That(options.RetryBaseDelay, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
            Assert.That(options.RetryMaxDelay, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(options.PollOnly, Is.True);
        });
    }

    [Test]
    public async Task Worker_WithQueuesAsOneCommaSeparatedValue_ServesEachOfThem()
    {
        await using var services = (ServiceProvider)Build(new() { ["Currant:Worker:Queues"] = "emails, orders ,reports" });

        var options = services.GetRequiredService<IOptionsMonitor<HostedWorkerOptions>>().Get(Options.DefaultName);

        Assert.That(options.Queues, Is.EqualTo(new[] { "emails", "orders", "reports" }));
    }

    [Test]
    public async Task Worker_WithNothingConfigured_KeepsTheWorkerDefaults()
    {
        await using var services = (ServiceProvider)Build([]);

        var options = services.GetRequiredService<IOptionsMonitor<HostedWorkerOptions>>().Get(Options.DefaultName).ToWorkerOptions();
        var defaults = new WorkerOptions();

        Assert.That(options.Queues, Is.EqualTo(defaults.Queues));
        Assert.That(options with { Queues = defaults.Queues }, Is.EqualTo(defaults));
    }

    [Test]
    public async Task Worker_ConfigureDelegate_RunsAfterTheConfiguration_SoCodeWins()
    {
        await using var services = (ServiceProvider)Build(
            new() { ["Currant:Worker:MaxConcurrency"] = "3", ["Currant:Worker:Queues"] = "from-config" },
            c => c.AddWorker(o => o.MaxConcurrency = o.MaxConcurrency * 10));

        var options = services.GetRequiredService<IOptionsMonitor<HostedWorkerOptions>>().Get(Options.DefaultName);

        Assert.That(options.MaxConcurrency, Is.EqualTo(30), "the delegate sees the configured value and overrides it");
        Assert.That(options.Queues, Is.EqualTo(new[] { "from-config" }));
    }

    [Test]
    public async Task NamedWorker_ReadsItsOwnSectionUnderWorkers()
    {
        await using var services = (ServiceProvider)Build(
            new()
            {
                ["ConnectionStrings:Currant"] = "Host=localhost;Database=never_opened",
                ["Currant:Worker:Queues"] = "default-one",
                ["Currant:Workers:reports:Queues"] = "reports",
                ["Currant:Workers:reports:MaxConcurrency"] = "2",
            },
            c => c.AddWorker().AddWorker("reports"));

        var monitor = services.GetRequiredService<IOptionsMonitor<HostedWorkerOptions>>();

        Assert.That(monitor.Get(Options.DefaultName).Queues, Is.EqualTo(new[] { "default-one" }));
        Assert.That(monitor.Get("reports").Queues, Is.EqualTo(new[] { "reports" }));
        Assert.That(monitor.Get("reports").MaxConcurrency, Is.EqualTo(2));
        Assert.That(services.GetServices<IHostedService>().OfType<CurrantWorkerService>().Select(s => s.Name), Is.EquivalentTo(new[] { "", "reports" }));
    }

    [Test]
    public void AddWorker_TwiceWithoutAName_IsRefusedWithTheFix()
    {
        var builder = TestHosts.Builder().Services.AddCurrant().AddWorker();

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddWorker());

        Assert.That(error.Message, Does.Contain("AddWorker(\"reports\""));
    }

    [Test]
    public async Task Client_ReadsConnectionStringMigrationAndDefaultsFromTheCurrantSection()
    {
        await using var services = (ServiceProvider)Build(new()
        {
            ["Currant:ConnectionString"] = "Host=example;Database=app",
            ["Currant:MigrateOnStartup"] = "True",
            ["Currant:PollOnly"] = "true",
            ["Currant:ResultPollInterval"] = "300ms",
            ["Currant:Defaults:Retries"] = "9",
            ["Currant:Defaults:Timeout"] = "2m",
            ["Currant:Defaults:WorkflowTimeout"] = "1h",
            ["Currant:Defaults:Queue"] = "misc",
            ["Currant:Defaults:MaxPayloadBytes"] = "2048",
        });

        var options = services.GetRequiredService<IOptions<CurrantOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.ConnectionString, Is.EqualTo("Host=example;Database=app"));
            Assert.That(options.MigrateOnStartup, Is.True);
            Assert.That(options.PollOnly, Is.True);
            Assert.That(options.ResultPollInterval, Is.EqualTo(TimeSpan.FromMilliseconds(300)));
            Assert.That(options.Defaults.Retries, Is.EqualTo(9));
            Assert.That(options.Defaults.Timeout, Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(options.Defaults.WorkflowTimeout, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(options.Defaults.Queue, Is.EqualTo("misc"));
            Assert.That(options.Defaults.MaxPayloadBytes, Is.EqualTo(2048));
        });
    }

    [Test]
    public void Client_PollOnly_AppliesToEveryHostedWorker()
    {
        var settings = new HostedWorkerOptions { PollOnly = false };

        var worker = CurrantWorkerService.CreateWorkerOptions(settings, new CurrantOptions { PollOnly = true }, null);

        Assert.That(worker.PollOnly, Is.True);
    }

    [Test]
    public async Task UnknownKey_FailsNamingTheKeyAndTheValidOnes()
    {
        await using var services = (ServiceProvider)Build(new() { ["Currant:Worker:MaxConcurency"] = "8" });

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IOptionsMonitor<HostedWorkerOptions>>().Get(Options.DefaultName));

        Assert.That(error.Message, Does.Contain("'Currant:Worker:MaxConcurency'").And.Contain("MaxConcurrency"));
    }

    [TestCase("Currant:Worker:MaxConcurrency", "lots", "is not a whole number")]
    [TestCase("Currant:Worker:PollInterval", "soon", "is not a duration")]
    [TestCase("Currant:MigrateOnStartup", "yes", "is not true or false")]
    public async Task BadValue_FailsNamingTheKeyAndTheValue(string key, string value, string message)
    {
        await using var services = (ServiceProvider)Build(new() { [key] = value });

        var error = Assert.Throws<FormatException>(() =>
        {
            _ = services.GetRequiredService<IOptions<CurrantOptions>>().Value;
            _ = services.GetRequiredService<IOptionsMonitor<HostedWorkerOptions>>().Get(Options.DefaultName);
        });

        Assert.That(error.Message, Does.Contain($"{key}='{value}'").And.Contain(message));
    }

    [Test]
    public async Task WorkerRetention_FromConfiguration_AcceptsDurationsAndForever()
    {
        await using var services = (ServiceProvider)Build(new()
        {
            ["Currant:Worker:RetainCompleted"] = "48h",
            ["Currant:Worker:RetainFailed"] = "forever",
        });

        var options = services.GetRequiredService<IOptionsMonitor<HostedWorkerOptions>>().Get(Options.DefaultName).ToWorkerOptions();

        Assert.That(options.RetainCompleted, Is.EqualTo(TimeSpan.FromHours(48)));
        Assert.That(options.RetainFailed, Is.Null);
        Assert.That(new WorkerOptions().RetainCompleted, Is.EqualTo(TimeSpan.FromDays(7)), "on by default");
        Assert.That(new WorkerOptions().RetainFailed, Is.EqualTo(TimeSpan.FromDays(30)));
    }
}
