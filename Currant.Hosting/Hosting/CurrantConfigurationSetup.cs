using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Currant.Hosting;

/// <summary>Binds the <c>Currant</c> section into the options; registered before any code delegate, so code wins.</summary>
internal sealed class CurrantConfigurationSetup(IConfiguration? configuration = null)
    : IConfigureOptions<CurrantOptions>, IConfigureNamedOptions<HostedWorkerOptions>
{
    public void Configure(CurrantOptions options)
    {
        if (configuration is not null)
        {
            CurrantConfiguration.Bind(configuration, options);
        }
    }

    public void Configure(string? name, HostedWorkerOptions options)
    {
        if (configuration is not null)
        {
            CurrantConfiguration.Bind(configuration, name ?? Options.DefaultName, options);
        }
    }

    public void Configure(HostedWorkerOptions options) => Configure(Options.DefaultName, options);
}
