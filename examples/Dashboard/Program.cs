using System.Net;
using Currant.Development;
using DashboardDemo;

var builder = WebApplication.CreateBuilder(args);

// The database: Currant:ConnectionString (appsettings.json, or Currant__ConnectionString in the environment), else
// CURRANT_DATABASE_URL, else a throwaway PostgreSQL from the local binaries.
var configured = builder.Configuration["Currant:ConnectionString"] is { Length: > 0 } c ? c : Environment.GetEnvironmentVariable("CURRANT_DATABASE_URL");
await using var local = string.IsNullOrWhiteSpace(configured) ? await LocalPostgres.StartAsync() : null;

// Currant (client, start-up migration, a worker) and the dashboard's services (antiforgery, authorization).
builder.Services.AddCurrant(o => o.ConnectionString = local?.ConnectionString ?? configured).AddWorker();
builder.Services.AddCurrantDashboard();

// Who may act (cancel, retry, resume, signal): here, whoever browses from this machine. A real app names its own
// policy, e.g. p.RequireRole("ops") behind its sign-in; the dashboard passes the request as the policy's resource.
builder.Services.AddAuthorizationBuilder().AddPolicy("ops", p => p.RequireAssertion(ctx =>
    ctx.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)));

var app = builder.Build();
app.UseAuthorization();

// The dashboard at /currant: read-only for everyone, actions for the "ops" policy. A real app would also protect
// viewing: app.MapCurrantDashboard(...).RequireAuthorization("staff").
app.MapCurrantDashboard("/currant", o => o.ActionsPolicy = "ops");

// Something to look at: a few charges (one that fails) and a refund that waits for a decision.
app.MapPost("/demo", async () =>
{
    var charges = await ChargeCard.QueueMany([("ana", "4111111111111111", 1200), ("bo", "5555555555554444", 800), ("cy", "4000000000000002", -5)]);
    var refund = await RefundApproval.Queue("ana", 1200);
    return Results.Ok(new { charges = charges.Select(h => h.Id), refund = refund.Id, dashboard = "/currant" });
});

app.MapGet("/", () => Results.Redirect("/currant"));
return await app.RunWithCurrantCommandsAsync(args);
