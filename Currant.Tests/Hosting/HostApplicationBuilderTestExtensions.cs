namespace Currant.Tests.Hosting;

internal static class HostApplicationBuilderTestExtensions
{
    /// <summary>Runs <paramref name="configure"/> on <paramref name="value"/> and returns it, for one-expression set-up.</summary>
    public static T Also<T>(this T value, Action<T> configure)
    {
        configure(value);
        return value;
    }
}
