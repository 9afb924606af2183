using Microsoft.Extensions.Logging;

namespace QuickStart;

internal static partial class LogMessages
{
    [LoggerMessage(1, LogLevel.Information, "Expense of {Amount} by {Employee} waits for approval")]
    public static partial void LogExpense(this ILogger logger, string employee, int amount);
}
