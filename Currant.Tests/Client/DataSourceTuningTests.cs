using Npgsql;

namespace Currant.Tests.Client;

/// <summary>Currant's data-source defaults: applied when the connection string is silent, never over what it names.</summary>
public sealed class DataSourceTuningTests
{
    [Test]
    public void Defaults_WhenTheConnectionStringNamesNeither_PrepareStatementsAndSkipTheReset()
    {
        var builder = new NpgsqlConnectionStringBuilder("Host=db;Database=app;Username=u");
        DataSourceTuning.Apply(builder);
        Assert.Multiple(() =>
        {
            Assert.That(builder.MaxAutoPrepare, Is.EqualTo(64));
            Assert.That(builder.AutoPrepareMinUsages, Is.EqualTo(2));
            Assert.That(builder.NoResetOnClose, Is.True);
        });
    }

    [TestCase("Max Auto Prepare=0;No Reset On Close=false")]
    [TestCase("MaxAutoPrepare=0;NoResetOnClose=false")]
    [TestCase("max auto prepare=0;no reset on close=false")]
    public void Settings_TheConnectionStringNames_Win(string settings)
    {
        var builder = new NpgsqlConnectionStringBuilder($"Host=db;Database=app;Username=u;{settings}");
        DataSourceTuning.Apply(builder);
        Assert.Multiple(() =>
        {
            Assert.That(builder.MaxAutoPrepare, Is.Zero);
            Assert.That(builder.NoResetOnClose, Is.False);
        });
    }
}
