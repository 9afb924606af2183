using System.ComponentModel;
using System.Text.Json;

namespace Currant;

/// <summary>What the members of a generated workflow handle (<c>h.Signals.X(...)</c>, <c>h.Queries.X()</c>, <c>h.Updates.X(...)</c>) call. Not for direct use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class HandleStub
{
    /// <summary>The client a handle uses: the given one, else the running workflow's (in workflow code), else <c>CurrantClient.Default</c>.</summary>
    public static ICurrantClient ResolveClient(ICurrantClient? client, string stub)
    {
        if (client is not null)
        {
            return client;
        }

        return WorkflowStub.IsInWorkflow ? WorkflowStub.GetClient(stub) : CurrantClient.Resolve(null);
    }

    /// <summary>The serializer a payload is written with: the running workflow's in workflow code, else the client's.</summary>
    public static JsonSerializerOptions SerializerOptions(ICurrantClient client)
        => WorkflowContextAccessor.Current?.SerializerOptions ?? client.SerializerOptions;

    /// <summary>The payload of a one-parameter handler: the value's JSON.</summary>
    public static byte[] Payload<T>(T value, JsonSerializerOptions options) => CurrantJson.Serialize(value, options);

    /// <summary>Sends a signal: from workflow code recorded and sent once with the activation; elsewhere stored at once.</summary>
    public static Task SignalAsync(ICurrantClient client, Guid workflowId, string name, byte[]? payload)
        => WorkflowStub.IsInWorkflow ? WorkflowStub.SignalAsync(workflowId, name, payload) : client.SendSignalAsync(workflowId, name, payload);

    /// <summary>Asks a query and reads its result.</summary>
    public static async Task<T> QueryAsync<T>(ICurrantClient client, Guid workflowId, string name, byte[]? payload)
    {
        ThrowIfInWorkflow("query", name);
        var result = await client.QueryAsync(workflowId, name, payload).ConfigureAwait(false);
        return result is null ? default! : CurrantJson.Deserialize<T>(result, client.SerializerOptions);
    }

    /// <summary>Sends an update and reads its result.</summary>
    public static async Task<T> UpdateAsync<T>(ICurrantClient client, Guid workflowId, string name, byte[]? payload, string? updateId)
    {
        ThrowIfInWorkflow("update", name);
        var result = await client.UpdateAsync(workflowId, name, payload, updateId).ConfigureAwait(false);
        return result is null ? default! : CurrantJson.Deserialize<T>(result, client.SerializerOptions);
    }

    /// <summary>Sends an update without a result and waits until it has run.</summary>
    public static async Task UpdateAsync(ICurrantClient client, Guid workflowId, string name, byte[]? payload, string? updateId)
    {
        ThrowIfInWorkflow("update", name);
        await client.UpdateAsync(workflowId, name, payload, updateId).ConfigureAwait(false);
    }

    private static void ThrowIfInWorkflow(string what, string name)
    {
        if (WorkflowContextAccessor.Current is not null)
        {
            throw new InvalidOperationException(
                $"The '{name}' {what} was sent from workflow code. A workflow can only signal another workflow (recorded and sent once); " +
                $"a {what} waits for an answer, which replay could not reproduce. Use a signal, or an activity that sends the {what}.");
        }
    }
}
