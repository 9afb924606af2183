using System.Diagnostics;

namespace Currant.Testing;

/// <summary>Finds the workflow's own code in the stack the engine took at a divergent call.</summary>
internal static class CallSite
{
    /// <summary>
    /// The first frame with a source file that is neither Currant's, the framework's nor generated (the stubs the
    /// generator writes call into the engine for the user's code): the line in the workflow that made the call.
    /// </summary>
    public static (string? File, int? Line, string? Member) Find(StackTrace? stack)
    {
        foreach (var frame in stack?.GetFrames() ?? [])
        {
            var file = frame.GetFileName();
            if (string.IsNullOrEmpty(file) || file.EndsWith(".g.cs", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var method = DiagnosticMethodInfo.Create(frame);
            var assembly = method?.DeclaringAssemblyName ?? "";
            if (assembly.StartsWith("Currant.Runtime,", StringComparison.Ordinal) || assembly.StartsWith("System.", StringComparison.Ordinal)
                || assembly.StartsWith("Microsoft.", StringComparison.Ordinal))
            {
                continue;
            }

            return (file, frame.GetFileLineNumber(), method is null ? null : Member(method.DeclaringTypeName, method.Name));
        }

        return (null, null, null);
    }

    /// <summary><c>Shop.ProcessOrder+&lt;RunAsync&gt;d__2</c>, <c>MoveNext</c> → <c>Shop.ProcessOrder.RunAsync</c>.</summary>
    internal static string Member(string type, string method)
    {
        var state = type.LastIndexOf("+<", StringComparison.Ordinal);
        if (method == "MoveNext" && state >= 0 && type.IndexOf('>', state) is var end and > 0)
        {
            return type[..state].Replace('+', '.') + "." + type[(state + 2)..end];
        }

        return type.Replace('+', '.') + "." + method;
    }
}
