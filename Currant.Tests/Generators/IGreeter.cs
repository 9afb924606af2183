namespace Currant.Tests.Generators;

/// <summary>A constructor dependency for jobs compiled inside the generator tests (public so they can see it).</summary>
public interface IGreeter
{
    Task<string> GreetAsync(string name);
}
