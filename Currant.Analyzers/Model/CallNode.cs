using Microsoft.CodeAnalysis;

namespace Currant.Analyzers.Model;

/// <summary>
/// A method reached from a workflow's entry point (or from a step body), with the caller it was first reached from.
/// </summary>
internal sealed class CallNode
{
    private string? _where;

    public CallNode(string display, CallNode? caller, IMethodSymbol? method = null)
    {
        Display = display;
        Caller = caller;
        Method = method;
    }

    /// <summary>How messages name this node, quotes included: <c>'Clock.Stamp()'</c>.</summary>
    public string Display { get; }

    public CallNode? Caller { get; }

    /// <summary>The method this node walks; null for initializers and step bodies written in place.</summary>
    public IMethodSymbol? Method { get; }

    /// <summary>The chain messages show: <c>'Clock.Stamp()', called from 'ProcessOrder.RunAsync'</c>.</summary>
    public string Where
    {
        get
        {
            if (_where is null)
            {
                var text = Display;
                for (var caller = Caller; caller is not null; caller = caller.Caller)
                {
                    text += ", called from " + caller.Display;
                }

                _where = text;
            }

            return _where;
        }
    }
}
