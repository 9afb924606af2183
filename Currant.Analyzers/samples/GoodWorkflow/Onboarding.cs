using Currant;
using Microsoft.Extensions.Logging;

namespace GoodWorkflow;

/// <summary>A workflow that only reaches the outside world through Workflow.* and steps.</summary>
[Workflow(Queue = "onboarding", Version = 2)]
public partial class Onboarding
{
    private readonly List<string> _log = [];
    private int _reminders;

    public async Task<string> RunAsync(string email, int trialDays)
    {
        var startedAt = Workflow.UtcNow;
        var accountId = Workflow.NewGuid();
        var greeting = Greetings.For(email, Workflow.Random.Next(0, Greetings.Count));
        _log.Add(greeting);

        // Side effects happen once and are recorded; replay reads the result back.
        var profile = await Workflow.Step("load-profile", async ct =>
        {
            await Task.Delay(10, ct).ConfigureAwait(false);
            return $"{email}:{DateTime.UtcNow:O}";
        });

        // Activities run through the generated Run; a job queued from workflow code is recorded too.
        var stored = await LoadProfile.Run(email);
        await SendWelcome.Queue(email);

        if (Workflow.GetVersion("trial-reminders", 1, 2) >= 2)
        {
            while (_reminders < Trial.Reminders(trialDays))
            {
                await Workflow.Sleep(TimeSpan.FromDays(1));
                _reminders++;
                Workflow.Logger.LogInformation("Reminder {Count} for {Email}", _reminders, email);
            }
        }

        bool upgraded;
        try
        {
            upgraded = await Workflow.WaitForSignal<bool>("upgraded", TimeSpan.FromDays(trialDays));
        }
        catch (TimeoutException)
        {
            upgraded = false;
        }

        var parts = await Task.WhenAll(Summaries.Of(profile), Summaries.Of(greeting));
        return $"{accountId} {startedAt:O} {upgraded} {string.Join(",", parts)} {stored.Length} {Workflow.Id} {Workflow.IsReplaying}";
    }
}
