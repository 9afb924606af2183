using Currant.Development;
using WorkerService;

var builder = Host.CreateApplicationBuilder(args);

// The database: ConnectionStrings:Currant or Currant:ConnectionString (appsettings.json or the environment), or
// CURRANT_DATABASE_URL; when none is set, a throwaway PostgreSQL from the local binaries.
var configured = new[] { builder.Configuration.GetConnectionString("Currant"), builder.Configuration["Currant:ConnectionString"], builder.Configuration["CURRANT_DATABASE_URL"] }
    .Any(value => !string.IsNullOrWhiteSpace(value));
await using var local = configured ? null : await LocalPostgres.StartAsync();
if (local is not null)
{
    Console.WriteLine($"Started a throwaway PostgreSQL on port {local.Port}.");
    builder.Configuration["ConnectionStrings:Currant"] = local.ConnectionString;
}

builder.Services.AddSingleton<IReportSource, RandomReportSource>();
builder.Services.AddSingleton(TimeProvider.System);

// Everything else comes from the "Currant" section of appsettings.json: migration at start-up, the worker's queues,
// concurrency, heartbeat and shutdown grace.
builder.Services.AddCurrant().AddWorker();
builder.Services.AddHostedService<DemoProducer>();

// No arguments: run the service. `dotnet run -- worker -q emails`, `-- migrate`, `-- list`, `-- status <id>`: the
// currant commands, with this service's settings and registrations.
return await builder.Build().RunWithCurrantCommandsAsync(args);
