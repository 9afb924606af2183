namespace Currant.Worker;

/// <summary>The provider used when a worker is started without one: every dependency is missing.</summary>
internal sealed class EmptyServiceProvider : IServiceProvider
{
    public static readonly EmptyServiceProvider Instance = new();

    public object? GetService(Type serviceType) => null;
}
