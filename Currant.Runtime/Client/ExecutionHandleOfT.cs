namespace Currant;

/// <summary>A reference to a queued execution whose method returns <typeparamref name="T"/>.</summary>
public class ExecutionHandle<T> : ExecutionHandle
{
    /// <summary>Creates a handle bound to a client.</summary>
    public ExecutionHandle(ICurrantClient client, Guid id) : base(client, id)
    {
    }

    /// <summary>Waits for the result; see <see cref="ExecutionHandle.WaitAsync"/> for the failure cases.</summary>
    public new async Task<T> GetResultAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var info = await WaitFinishedAsync(timeout, cancellationToken).ConfigureAwait(false);
        if (info.Result is null)
        {
            return default!;
        }

        return CurrantJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(info.Result), Client.SerializerOptions);
    }
}
