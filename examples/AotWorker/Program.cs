using System.Text.Json;
using AotWorker;
using Currant.Development;

var builder = Host.CreateApplicationBuilder(args);

// The database: ConnectionStrings:Currant or Currant:ConnectionString, or CURRANT_DATABASE_URL; when none is set, a
// throwaway PostgreSQL from the local binaries.
var configured = new[] { builder.Configuration.GetConnectionString("Currant"), builder.Configuration["Currant:ConnectionString"], builder.Configuration["CURRANT_DATABASE_URL"] }
    .Any(value => !string.IsNullOrWhiteSpace(value));
await using var local = configured ? null : await LocalPostgres.StartAsync();
if (local is not null)
{
    Console.WriteLine($"Started a throwaway PostgreSQL on port {local.Port}.");
    builder.Configuration["ConnectionStrings:Currant"] = local.ConnectionString;
}

// Native AOT has no reflection-based JSON: arguments and results go through a source-generated context.
builder.Services.AddCurrant(o => o.SerializerOptions = new JsonSerializerOptions { TypeInfoResolver = AppJson.Default }).AddWorker();
builder.Services.AddHostedService<Demo>();

// `AotWorker migrate`, `AotWorker list`, `AotWorker worker -q greetings`: the currant commands, natively compiled too.
var exitCode = await builder.Build().RunWithCurrantCommandsAsync(args);
return exitCode != 0 ? exitCode : Environment.ExitCode;
