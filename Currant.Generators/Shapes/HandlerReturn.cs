namespace Currant.Shapes;

/// <summary>What a [Signal], [Query], [Update] or validator method returns.</summary>
internal enum HandlerReturn
{
    Void,
    Value,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}
