using Currant.Persistence;

namespace Currant.Worker;

/// <summary>The completer role: takes attempt outcomes and guarantees each is written (or fenced), never dropped.</summary>
internal interface ICompleter
{
    /// <summary>
    /// Hands over an outcome. Waits while the completer's bounded buffer is full (the database is slow or away),
    /// which keeps the caller's slot taken and so stops the producer from claiming more.
    /// </summary>
    ValueTask CompleteAsync(Completion completion, string name);

    /// <summary>Since when writes have been failing without a break; null while the completer keeps up.</summary>
    DateTimeOffset? FailingSince { get; }
}
