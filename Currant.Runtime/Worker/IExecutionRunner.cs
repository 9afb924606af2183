using Currant.Persistence;

namespace Currant.Worker;

/// <summary>
/// A runner role: runs one claimed row of its kind and hands the outcome to the completer (or back to the queue).
/// An exception that escapes is a bug in the runner; the producer still turns it into a written hand-back.
/// </summary>
internal interface IExecutionRunner
{
    Task RunAsync(ClaimedExecution row);
}
