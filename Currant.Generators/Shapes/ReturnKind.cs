namespace Currant.Shapes;

/// <summary>The awaitable the user's method returns.</summary>
internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}
