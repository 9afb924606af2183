namespace GoodWorkflow;

/// <summary>Deterministic helpers called from workflow code.</summary>
public static class Greetings
{
    private static readonly string[] Templates = ["Welcome, {0}!", "Hello {0}", "Good to see you, {0}"];

    public static int Count => Templates.Length;

    public static string For(string email, int index) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Templates[index], email);
}

public static class Trial
{
    public const int MaxReminders = 3;

    public static int Reminders(int trialDays) => Math.Min(MaxReminders, trialDays / 7);
}

public static class Summaries
{
    public static async Task<string> Of(string text)
    {
        await Task.Yield();
        return text.Length > 20 ? text[..20] : text;
    }
}
