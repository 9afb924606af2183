using System.Text.Json;
using Currant;
using Currant.Development;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrderApi;

var builder = WebApplication.CreateBuilder(args);

// The application's database: ConnectionStrings:Orders (appsettings.json, or ConnectionStrings__Orders in the
// environment), else CURRANT_DATABASE_URL, else a throwaway PostgreSQL from the local binaries.
var connectionString = builder.Configuration.GetConnectionString("Orders") is { Length: > 0 } configured
    ? configured
    : Environment.GetEnvironmentVariable("CURRANT_DATABASE_URL");
await using var local = string.IsNullOrWhiteSpace(connectionString) ? await LocalPostgres.StartAsync() : null;
if (local is not null)
{
    Console.WriteLine($"Started a throwaway PostgreSQL on port {local.Port}.");
}

// The application's own data source. AddCurrant finds it in the container and uses it too, so an enqueue can join
// a transaction on it.
builder.Services.AddSingleton(sp => new NpgsqlDataSourceBuilder(local?.ConnectionString ?? connectionString)
    .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
    .Build());
builder.Services.AddScoped<IPaymentGateway, FakePaymentGateway>();

// Currant: the client, start-up migration and a worker, all from the "Currant" section of appsettings.json.
builder.Services.AddCurrant().AddWorker();
builder.Services.AddHealthChecks().AddCurrant();

// OpenTelemetry: one trace from the HTTP request through the enqueue to each workflow activation and activity, printed to the console.
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("OrderApi"))
    .WithTracing(tracing => tracing
        .AddAspNetCoreInstrumentation()
        .AddSource(CurrantDiagnostics.ActivitySourceName)
        .AddConsoleExporter())
    .WithMetrics(metrics => metrics
        .AddMeter(CurrantDiagnostics.MeterName)
        .AddConsoleExporter());

var app = builder.Build();
await Orders.EnsureTableAsync(app.Services.GetRequiredService<NpgsqlDataSource>());

// The order row and the workflow that processes it commit together, or neither exists.
app.MapPost("/orders", async (PlaceOrder order, NpgsqlDataSource db, CancellationToken ct) =>
{
    if (order.Amount <= 0 || string.IsNullOrWhiteSpace(order.Email))
    {
        return Results.ValidationProblem(new Dictionary<string, string[]> { ["order"] = ["An email and a positive amount are required."] });
    }

    var orderId = Guid.CreateVersion7();
    await using var connection = await db.OpenConnectionAsync(ct);
    await using var tx = await connection.BeginTransactionAsync(ct);
    await using (var insert = new NpgsqlCommand(Orders.Insert, connection, tx) { Parameters = { new() { Value = orderId }, new() { Value = order.Email }, new() { Value = order.Amount } } })
    {
        await insert.ExecuteNonQueryAsync(ct);
    }

    var execution = await ProcessOrder.Options(transaction: tx).Queue(orderId, order.Amount, order.Email, order.CardToken);
    await using (var link = new NpgsqlCommand(Orders.SetExecution, connection, tx) { Parameters = { new() { Value = orderId }, new() { Value = execution.Id } } })
    {
        await link.ExecuteNonQueryAsync(ct);
    }

    await tx.CommitAsync(ct);
    return Results.Accepted($"/orders/{orderId}", new OrderAccepted(orderId, execution.Id));
});

app.MapGet("/orders/{id:guid}", async (Guid id, NpgsqlDataSource db, ICurrantClient currant, CancellationToken ct) =>
{
    await using var select = db.CreateCommand(Orders.Select);
    select.Parameters.Add(new() { Value = id });
    await using var reader = await select.ExecuteReaderAsync(ct);
    if (!await reader.ReadAsync(ct))
    {
        return Results.NotFound();
    }

    var (email, amount, status) = (reader.GetString(1), reader.GetDecimal(2), reader.GetString(3));
    var transactionId = reader.IsDBNull(4) ? null : reader.GetString(4);
    var executionId = reader.GetGuid(5);
    var info = await currant.GetExecutionAsync(executionId, ct);
    var execution = new ExecutionView(executionId, info?.Name ?? "?", info?.State.ToString().ToLowerInvariant() ?? "unknown", info?.Attempt ?? 0,
        info?.Result is { } json ? JsonDocument.Parse(json).RootElement.Clone() : null, info?.Error?.Message);
    return Results.Ok(new OrderView(id, email, amount, status, transactionId, execution));
});

app.MapHealthChecks("/health");

// `dotnet run -- worker -q emails`, `dotnet run -- list`, ... run the currant commands with this app's settings.
return await app.RunWithCurrantCommandsAsync(args);
