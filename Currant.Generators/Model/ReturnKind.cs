namespace Currant.Generators.Model;

/// <summary>The awaitable the user's method returns.</summary>
internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}
