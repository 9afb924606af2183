using Currant.CommandLine;

namespace Microsoft.Extensions.Hosting;

/// <summary>Exposes the <c>currant</c> commands from an application's own <c>Program.cs</c>.</summary>
public static class CurrantHostExtensions
{
    /// <summary>
    /// When <paramref name="args"/> start with a Currant command (<c>migrate</c>, <c>worker</c>, <c>status</c>,
    /// <c>list</c>, <c>cancel</c>, or <c>currant</c> followed by one, or by <c>--help</c>), runs it with this host's
    /// database, settings and registrations, so <c>dotnet run -- worker -q emails</c> runs a worker of this
    /// application; otherwise runs the host until it shuts down. Returns the process exit code. The host is
    /// disposed either way.
    /// </summary>
    public static Task<int> RunWithCurrantCommandsAsync(this IHost host, string[] args, CancellationToken cancellationToken = default)
        => RunWithCurrantCommandsAsync(host, args, output: null, error: null, cancellationToken);

    internal static async Task<int> RunWithCurrantCommandsAsync(IHost host, string[] args, TextWriter? output, TextWriter? error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(args);
        if (CommandArguments(args) is not { } commandArgs)
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }

        try
        {
            return await CurrantCommandLine.InvokeAsync(commandArgs, host.Services, extraCommands: null, output, error, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                host.Dispose();
            }
        }
    }

    /// <summary>The arguments for the command line, or null when <paramref name="args"/> are the application's own.</summary>
    internal static string[]? CommandArguments(string[] args)
    {
        if (args.Length == 0)
        {
            return null;
        }

        if (args[0] == "currant")
        {
            return args[1..];
        }

        return CurrantCommandLine.HostCommandNames.Contains(args[0], StringComparer.Ordinal) ? args : null;
    }
}
