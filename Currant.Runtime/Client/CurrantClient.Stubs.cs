namespace Currant;

public sealed partial class CurrantClient
{
    public Task<Guid> EnqueueAsync(ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public Task<IReadOnlyList<Guid>> EnqueueManyAsync(ExecutionDefinition definition, IReadOnlyList<byte[]> arguments, EnqueueOptions? options, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public Task<ExecutionInfo?> GetExecutionAsync(Guid id, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public Task<ExecutionInfo> WaitForCompletionAsync(Guid id, TimeSpan? timeout = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public Task<bool> CancelAsync(Guid id, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public Task<IReadOnlyList<ExecutionInfo>> ListAsync(ExecutionFilter? filter = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
