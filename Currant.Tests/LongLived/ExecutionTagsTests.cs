using Currant.CommandLine;
using Currant.Tests.Jobs;

namespace Currant.Tests.LongLived;

/// <summary>Tags (db/0008): set at enqueue and by Workflow.SetTag, found by ListAsync and currant list --tag on an index.</summary>
public sealed class ExecutionTagsTests : CurrantFixture
{
    [Test]
    public async Task ListAsync_ByTagsSetAtQueueAndInsideTheWorkflow_FindsExactlyThatWorkflow()
    {
        var queue = NewQueue("tags");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);
        var customer = new Dictionary<string, string> { ["customer"] = key };
        var mine = await TagsItself.Options(queue: queue, client: Client, tags: customer).Queue(key, "o-1");
        var other = await TagsItself.Options(queue: queue, client: Client, tags: customer).Queue(key, "o-2");
        await mine.GetResultAsync(Wait);
        await other.GetResultAsync(Wait);

        var found = await Client.ListAsync(new ExecutionFilter { Tags = new Dictionary<string, string> { ["customer"] = key, ["order"] = "o-1" } });

        Assert.That(found.Select(e => e.Id), Is.EqualTo(new[] { mine.Id }));
        Assert.That(found[0].Tags, Is.EqualTo(new Dictionary<string, string> { ["customer"] = key, ["order"] = "o-1", ["stage"] = "shipped" }),
            "the later SetTag of a key replaced the earlier");
        var both = await Client.ListAsync(new ExecutionFilter { Tags = customer });
        Assert.That(both.Select(e => e.Id), Is.EquivalentTo(new[] { mine.Id, other.Id }));
        Assert.That(await Client.ListAsync(new ExecutionFilter { Tags = new Dictionary<string, string> { ["customer"] = key, ["stage"] = "charging" } }), Is.Empty);
    }

    [Test]
    public async Task Tags_OnJobsAndBulkEnqueues_AreStoredAndFound()
    {
        var queue = NewQueue("tags");
        var key = NewKey();
        var tags = new Dictionary<string, string> { ["batch"] = key };
        var single = await Greet.Options(queue: queue, client: Client, tags: tags).Queue("one");
        var many = await Greet.Options(queue: queue, client: Client, tags: tags).QueueMany(["two", "three"]);
        await Greet.Options(queue: queue, client: Client).Queue("untagged");

        var found = await Client.ListAsync(new ExecutionFilter { Tags = tags });

        Assert.That(found.Select(e => e.Id), Is.EquivalentTo(new[] { single.Id, many[0].Id, many[1].Id }));
    }

    [Test]
    public async Task ListCommand_WithRepeatedTags_PrintsTheMatchesAndStatusShowsTheTags()
    {
        var queue = NewQueue("tags");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);
        var handle = await TagsItself.Options(queue: queue, client: Client, tags: new Dictionary<string, string> { ["customer"] = key }).Queue(key, "o-9");
        await handle.GetResultAsync(Wait);
        await Greet.Options(queue: queue, client: Client, tags: new Dictionary<string, string> { ["customer"] = key }).Queue("not shipped");

        var (code, output, _) = await RunAsync("list", "--tag", $"customer={key}", "--tag", "stage=shipped");
        var (statusCode, status, _) = await RunAsync("status", handle.Id.ToString());

        Assert.That(code, Is.Zero);
        Assert.That(output, Does.Contain(handle.Id.ToString()));
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(2), "a header and the one match");
        Assert.That(statusCode, Is.Zero);
        Assert.That(status, Does.Contain($"customer={key}, order=o-9, stage=shipped"));
    }

    [Test]
    public async Task ListCommand_WithATagWithoutEquals_FailsWithTheFix()
    {
        var (code, _, error) = await RunAsync("list", "--tag", "customer");

        Assert.That(code, Is.Not.Zero);
        Assert.That(error, Does.Contain("'customer' is not a tag: write key=value"));
    }

    [Test]
    public void Tags_ThatBreakTheRule_FailAtTheDoorWithNothingStored()
    {
        var queue = NewQueue("tags");

        Assert.That(async () => await Greet.Options(queue: queue, client: Client, tags: new Dictionary<string, string> { [""] = "x" }).Queue("a"),
            Throws.ArgumentException.With.Message.Contains("Invalid tag key ''"));
        Assert.That(async () => await Greet.Options(queue: queue, client: Client, tags: new Dictionary<string, string> { ["k"] = "a\u0000b" }).Queue("a"),
            Throws.ArgumentException.With.Message.Contains("Invalid value for tag 'k'"));
        Assert.That(async () => await Client.ListAsync(new ExecutionFilter { Tags = new Dictionary<string, string> { ["k"] = new string('v', 2000) } }),
            Throws.ArgumentException.With.Message.Contains("values at most 1,024"));
        Assert.That(async () => await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q", ("q", queue)), Is.Zero);
    }

    [Test]
    public async Task ListAsync_ByTag_UsesTheTagsIndex()
    {
        // 20,000 tagged rows, one of them with the tag asked for: the plan must probe executions_tags_idx, not scan.
        var key = NewKey();
        await ScalarAsync<object>("""
            INSERT INTO currant.executions (id, kind, name, queue, state, tags)
            SELECT gen_random_uuid(), 'job', 'Bulk', 'tags-explain', 'completed', jsonb_build_object('customer', 'c' || g, 'region', 'eu')
            FROM generate_series(1, 20000) g;
            ANALYZE currant.executions;
            SELECT 1;
            """);
        await ScalarAsync<object>("UPDATE currant.executions SET tags = tags || jsonb_build_object('order', @key::text) WHERE tags->>'customer' = 'c777' RETURNING 1", ("key", key));

        var plan = await ExplainAsync($$"""{"order": "{{key}}"}""");

        Assert.That(plan, Does.Contain("executions_tags_idx"), plan);
        Assert.That(plan, Does.Not.Contain("Seq Scan"), plan);
        var found = await Client.ListAsync(new ExecutionFilter { Tags = new Dictionary<string, string> { ["order"] = key } });
        Assert.That(found.Select(e => e.Tags["customer"]), Is.EqualTo(new[] { "c777" }));
    }

    private async Task<string> ExplainAsync(string tags)
    {
        await using var command = Client.DataSource.CreateCommand("EXPLAIN " + Currant.Persistence.Queries.ExecutionQueries.ListByTags);
        command.Parameters.AddWithValue("tags", NpgsqlTypes.NpgsqlDbType.Jsonb, tags);
        foreach (var name in new[] { "queue", "state", "kind", "name" })
        {
            command.Parameters.AddWithValue(name, NpgsqlTypes.NpgsqlDbType.Text, DBNull.Value);
        }

        command.Parameters.AddWithValue("include_timers", false);
        command.Parameters.AddWithValue("limit", 50);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CurrantCommandLine.InvokeAsync([.. args, "--database-url", ConnectionString], output: output, error: error);
        return (code, output.ToString(), error.ToString());
    }
}
