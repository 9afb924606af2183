using Currant;
using PackageTest;

// An ASP.NET Core app that references only Currant.Hosting: the client and a worker on the Generic Host, its health
// checks, and an endpoint that runs a job and a workflow.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddCurrant(o => o.MigrateOnStartup = true).AddWorker(w => w.Queues = ["app"]);
builder.Services.AddHealthChecks().AddCurrant();
var app = builder.Build();
app.MapHealthChecks("/health");
app.MapGet("/greet/{name}", async (string name) =>
{
    var job = await Greet.Queue(name);
    var workflow = await Onboard.Queue(name);
    return $"job: {await job.GetResultAsync(TimeSpan.FromSeconds(60))}; workflow: {await workflow.GetResultAsync(TimeSpan.FromSeconds(60))}";
});
return await app.RunWithCurrantCommandsAsync(args);
