using System.Text.Json;

namespace Currant;

/// <summary>The connection to Currant's Postgres schema: enqueues, reads state, starts workers.</summary>
public sealed partial class CurrantClient : ICurrantClient, IAsyncDisposable
{
    private static CurrantClient? _default;

    /// <summary>The client static stubs use; set by <c>ConnectAsync</c> and by the host.</summary>
    public static CurrantClient? Default
    {
        get => Volatile.Read(ref _default);
        set => Volatile.Write(ref _default, value);
    }

    /// <summary>Returns <paramref name="explicitClient"/>, else <see cref="Default"/>, else a clear error.</summary>
    public static ICurrantClient Resolve(ICurrantClient? explicitClient)
        => explicitClient ?? Default ?? throw new InvalidOperationException(
            "No Currant client: call 'await CurrantClient.ConnectAsync(url)' (or services.AddCurrant(...)) before queuing, " +
            "or pass one with Options(client: ...).");

    /// <inheritdoc />
    public JsonSerializerOptions SerializerOptions { get; } = CurrantJson.CreateDefaultOptions();
}
