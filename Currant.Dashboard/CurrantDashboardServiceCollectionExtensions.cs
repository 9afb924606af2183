namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what the Currant dashboard needs.</summary>
public static class CurrantDashboardServiceCollectionExtensions
{
    /// <summary>Adds antiforgery (every dashboard action carries a token) and authorization (the actions policy).</summary>
    public static IServiceCollection AddCurrantDashboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAntiforgery();
        services.AddAuthorization();
        return services;
    }
}
