using System.Threading.Channels;
using Currant.Dashboard.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Currant.Dashboard.Live;

/// <summary>
/// <c>GET …/events</c>: server-sent events fed by the client's LISTEN connection (currant_pending, currant_due,
/// currant_finished, currant_cancel). Each tells the page that something changed; the page then reloads its live
/// fragment. Bursts are coalesced (one event per <see cref="Coalesce"/>), so a busy queue costs the browser a few
/// small requests per second at most, and the database nothing beyond the one LISTEN it already has.
/// </summary>
internal static class LiveEvents
{
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Without LISTEN (poll-only clients, for PgBouncer transaction pooling), the page is told to refresh this often.</summary>
    private static readonly TimeSpan PollOnlyInterval = TimeSpan.FromSeconds(5);

    public static async Task StreamAsync(HttpContext http, DashboardContext dashboard)
    {
        var stop = http.RequestAborted;
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        PageResponse.Secure(http.Response);
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";

        var changes = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void OnNotification(string channel, string payload) => changes.Writer.TryWrite(channel);
        var listener = dashboard.Client.Listener;
        listener?.Subscribe(OnNotification);
        try
        {
            await http.Response.WriteAsync("retry: 2000\n\n", stop).ConfigureAwait(false);
            await http.Response.Body.FlushAsync(stop).ConfigureAwait(false);
            var quiet = listener is null ? PollOnlyInterval : KeepAlive;
            while (!stop.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
                wait.CancelAfter(quiet);
                string? channel;
                try
                {
                    channel = await changes.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    channel = listener is null ? "poll" : null;
                }

                await http.Response.WriteAsync(channel is null ? ": keep-alive\n\n" : $"event: change\ndata: {channel}\n\n", stop).ConfigureAwait(false);
                await http.Response.Body.FlushAsync(stop).ConfigureAwait(false);
                if (channel is not null)
                {
                    await Task.Delay(Coalesce, stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The browser went away.
        }
        finally
        {
            listener?.Unsubscribe(OnNotification);
        }
    }
}
