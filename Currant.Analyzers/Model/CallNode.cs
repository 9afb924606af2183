using Microsoft.CodeAnalysis;

namespace Currant.Analyzers.Model;

/// <summary>
/// A method reached from a workflow's entry point (or from a step body), with the caller it was first reached from.
/// </summary>
internal sealed class CallNode
{
    private string? _where;

    public CallNode(
        string display, CallNode? caller, IMethodSymbol? method = null, string link = "called from", bool fixable = true, bool staticInitializer = false)
    {
        InStaticInitializer = staticInitializer;
        Display = display;
        Caller = caller;
        Method = method;
        Link = link;
        Fixable = fixable;
    }

    /// <summary>How messages name this node, quotes included: <c>'Clock.Stamp()'</c>.</summary>
    public string Display { get; }

    public CallNode? Caller { get; }

    /// <summary>The method this node walks; null for initializers and step bodies written in place.</summary>
    public IMethodSymbol? Method { get; }

    /// <summary>How the chain joins this node to its caller: "called from", or how an initializer came to run.</summary>
    public string Link { get; }

    /// <summary>
    /// False for code that also runs outside workflows whatever calls it: the initializers of types workflow code
    /// creates or uses (the type may be created anywhere, by a deserializer too) and what they call.
    /// </summary>
    public bool Fixable { get; }

    /// <summary>
    /// True in a static initializer or static constructor and what it calls: code that runs once per process, where
    /// only the values it computes matter (creating an HttpClient there is not I/O; reading the clock is).
    /// </summary>
    public bool InStaticInitializer { get; }

    /// <summary>The chain messages show: <c>'Clock.Stamp()', called from 'ProcessOrder.RunAsync'</c>.</summary>
    public string Where
    {
        get
        {
            if (_where is null)
            {
                var text = Display;
                for (var node = this; node.Caller is { } caller; node = caller)
                {
                    text += ", " + node.Link + " " + caller.Display;
                }

                _where = text;
            }

            return _where;
        }
    }
}
