namespace Currant.Generators.Model;

/// <summary>How the invoker releases the instance it created (the container does not track it).</summary>
internal enum DisposeKind
{
    None,
    Disposable,
    AsyncDisposable,
}
