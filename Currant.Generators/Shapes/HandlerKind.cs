namespace Currant.Shapes;

/// <summary>Which attribute marks a workflow handler method.</summary>
internal enum HandlerKind
{
    Signal,
    Query,
    Update,
    UpdateValidator,
}
