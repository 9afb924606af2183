using Npgsql;

namespace Currant.Tests.Infrastructure;

public sealed class TestDatabaseTests
{
    [Test]
    public async Task CreateDatabaseAsync_GivesEachFixtureItsOwnDatabase()
    {
        var first = await TestDatabase.CreateDatabaseAsync();
        var second = await TestDatabase.CreateDatabaseAsync();

        await using var one = new NpgsqlConnection(first);
        await one.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE only_in_first (id int)", one))
            await create.ExecuteNonQueryAsync();

        await using var two = new NpgsqlConnection(second);
        await two.OpenAsync();
        await using var lookup = new NpgsqlCommand("SELECT to_regclass('only_in_first') IS NULL", two);
        Assert.Multiple(async () =>
        {
            Assert.That(one.Database, Is.Not.EqualTo(two.Database));
            Assert.That(await lookup.ExecuteScalarAsync(), Is.True, "a table of one database is visible from the other");
        });
    }

    [Test]
    public async Task CreateDatabaseAsync_ByDefault_NamesTheDatabaseAfterTheFixture()
    {
        var connectionString = await TestDatabase.CreateDatabaseAsync();

        Assert.That(new NpgsqlConnectionStringBuilder(connectionString).Database, Does.StartWith("currant_testdatabasetests_"));
    }

    [Test]
    public void UniqueName_WithAnyPrefix_IsAShortLowercaseIdentifier()
    {
        var name = TestDatabase.UniqueName("Some.Namespace.My Fixture; DROP TABLE x -- " + new string('a', 100));

        Assert.That(name, Does.Match("^currant_my_fixture__drop_table_x____a*_[0-9a-f]{8}$").And.Length.LessThanOrEqualTo(63));
    }
}
