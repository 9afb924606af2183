namespace Currant;

/// <summary>
/// A generated, typed call of a workflow's handler on its running instance: reads the arguments from
/// <paramref name="context"/>, calls the method and returns the UTF-8 JSON of its result (null without one).
/// </summary>
public delegate ValueTask<byte[]?> WorkflowHandlerInvoker(object workflow, HandlerContext context);
