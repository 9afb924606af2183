using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Currant.Tests.Examples;

/// <summary>The ASP.NET Core example, run as a real process on a free loopback port and called over HTTP.</summary>
public sealed class OrderApiExampleTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Test]
    public async Task PostOrder_InsertsTheOrderAndEnqueuesItsWorkflowTogether_TheWorkflowCompletes_AndOneTraceCoversItAll()
    {
        var database = await TestDatabase.CreateDatabaseAsync("orderapi");
        await using var app = AppProcess.Start(RepoPaths.Output("examples/OrderApi", "OrderApi.dll"), ["--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string?> { ["ConnectionStrings__Orders"] = database });
        var listening = await app.WaitForLineAsync(l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal), Wait);
        using var http = new HttpClient { BaseAddress = new Uri(listening[listening.IndexOf("http://", StringComparison.Ordinal)..].Trim()) };

        using var response = await http.PostAsJsonAsync("/orders", new { email = "ada@example.com", amount = 42.5m, cardToken = "tok_visa" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), app.Output);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var orderId = accepted.GetProperty("orderId").GetGuid();
        var executionId = accepted.GetProperty("executionId").GetGuid();
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/orders/{orderId}"));

        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var client = CurrantClient.Create(dataSource);
        var info = await client.WaitForCompletionAsync(executionId, Wait);
        Assert.That(info.State, Is.EqualTo(ExecutionState.Completed), info.Error?.Message + "\n" + app.Output);
        Assert.That(info.Name, Is.EqualTo("ProcessOrder"));

        var order = await http.GetFromJsonAsync<JsonElement>($"/orders/{orderId}");
        Assert.That(order.GetProperty("status").GetString(), Is.EqualTo("paid"));
        Assert.That(order.GetProperty("execution").GetProperty("state").GetString(), Is.EqualTo("completed"));
        Assert.That(order.GetProperty("execution").GetProperty("result").GetProperty("TransactionId").GetString(), Is.EqualTo(order.GetProperty("transactionId").GetString()));
        Assert.That(await http.GetStringAsync("/health"), Is.EqualTo("Healthy"));

        // The console exporter prints each span when it ends; the receipt's attempt is the last activity of the chain.
        // Activities are scheduled by the workflow's activations (no enqueue span of their own) and join its trace.
        await app.WaitForLineAsync(l => l.Contains("Activity.DisplayName:", StringComparison.Ordinal) && l.EndsWith("run SendReceipt", StringComparison.Ordinal), Wait);
        var traces = SpansByName(app.Output);
        var chain = new[] { "enqueue ProcessOrder", "run ProcessOrder", "run ChargeCard", "run MarkPaid", "run SendReceipt" };
        Assert.That(traces.Keys, Is.SupersetOf(chain.Prepend("POST /orders")));
        Assert.That(chain.Select(n => traces[n]),
            Is.All.EqualTo(traces["POST /orders"]), "one trace from the HTTP request to the receipt");

        var exitCode = await app.TerminateAsync(Wait);
        Assert.That(exitCode, Is.Zero, app.Output);
        Assert.That(app.Output, Does.Contain("Currant worker").And.Contain(" stopped"));
    }

    [Test]
    public async Task PostOrder_WithoutAnAmount_IsRejectedAndQueuesNothing()
    {
        var database = await TestDatabase.CreateDatabaseAsync("orderapibad");
        await using var app = AppProcess.Start(RepoPaths.Output("examples/OrderApi", "OrderApi.dll"), ["--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string?> { ["ConnectionStrings__Orders"] = database });
        var listening = await app.WaitForLineAsync(l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal), Wait);
        using var http = new HttpClient { BaseAddress = new Uri(listening[listening.IndexOf("http://", StringComparison.Ordinal)..].Trim()) };

        using var response = await http.PostAsJsonAsync("/orders", new { email = "ada@example.com", amount = 0m, cardToken = "tok_visa" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var client = CurrantClient.Create(dataSource);
        Assert.That(await client.ListAsync(), Is.Empty);
        Assert.That(await app.TerminateAsync(Wait), Is.Zero, app.Output);
    }

    /// <summary>Display name → trace id of each span the console exporter printed.</summary>
    private static Dictionary<string, string> SpansByName(string output)
    {
        var spans = new Dictionary<string, string>();
        string? traceId = null;
        foreach (var line in output.Split('\n').Select(l => l.Trim()))
        {
            if (line.StartsWith("Activity.TraceId:", StringComparison.Ordinal))
            {
                traceId = line["Activity.TraceId:".Length..].Trim();
            }
            else if (line.StartsWith("Activity.DisplayName:", StringComparison.Ordinal) && traceId is not null)
            {
                spans[line["Activity.DisplayName:".Length..].Trim()] = traceId;
            }
        }

        return spans;
    }
}
