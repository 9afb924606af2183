using System.ComponentModel;
using System.Text.Json;

namespace Currant;

/// <summary>What a generated invoker needs to run one attempt of an execution.</summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed class InvocationContext
{
    /// <summary>Creates a context.</summary>
    public InvocationContext(Guid executionId, string name, int attempt, ReadOnlyMemory<byte> arguments,
        IServiceProvider services, JsonSerializerOptions serializerOptions, CancellationToken cancellationToken)
    {
        ExecutionId = executionId;
        Name = name;
        Attempt = attempt;
        Arguments = arguments;
        Services = services;
        SerializerOptions = serializerOptions;
        CancellationToken = cancellationToken;
    }

    /// <summary>The execution's id.</summary>
    public Guid ExecutionId { get; }

    /// <summary>The execution's persisted name.</summary>
    public string Name { get; }

    /// <summary>1 for the first attempt.</summary>
    public int Attempt { get; }

    /// <summary>The UTF-8 JSON array of arguments as queued.</summary>
    public ReadOnlyMemory<byte> Arguments { get; }

    /// <summary>Where constructor dependencies come from (one scope per execution when hosted).</summary>
    public IServiceProvider Services { get; }

    /// <summary>The client's serializer options.</summary>
    public JsonSerializerOptions SerializerOptions { get; }

    /// <summary>Fires on timeout, cancellation or worker shutdown.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Parses the argument array, checking it has <paramref name="count"/> elements.</summary>
    public ArgumentReader ReadArguments(int count) => new(Name, Arguments, count, SerializerOptions);

    /// <summary>Resolves a constructor dependency, with an error that names the execution when it is missing.</summary>
    public T GetService<T>() where T : notnull
    {
        if (Services.GetService(typeof(T)) is T service)
        {
            return service;
        }

        throw new InvalidOperationException(
            $"'{Name}' needs a '{typeof(T).FullName}' in its constructor, but the worker's service provider has none. " +
            "Register it in the container given to StartWorker (or AddCurrant when hosted).");
    }

    /// <summary>
    /// Called by a generated workflow invoker with the instance it created, before it runs: signal, query and update
    /// handlers run on that same object.
    /// </summary>
    public void AttachWorkflow(object workflow) => Workflow = workflow;

    /// <summary>The workflow object <see cref="AttachWorkflow"/> received.</summary>
    internal object? Workflow { get; private set; }

    /// <summary>Serializes a result to UTF-8 JSON.</summary>
    public byte[] SerializeResult<T>(T value) => CurrantJson.Serialize(value, SerializerOptions);
}
