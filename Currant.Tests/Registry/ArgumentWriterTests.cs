using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Currant.Tests.Registry;

/// <summary>
/// <see cref="ArgumentWriter"/> reuses its buffer from one argument array to the next on a thread (QueueMany writes
/// thousands in a row): every array must still come out whole and on its own.
/// </summary>
public sealed class ArgumentWriterTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Default);

    [Test]
    public void ToArray_AfterALargeArgument_LeavesTheNextArrayUntouched()
    {
        var large = new string('x', 200_000);

        var first = new ArgumentWriter(Json).Write(large).Write(1).ToArray();
        var second = new ArgumentWriter(Json).Write("small").ToArray();
        var third = new ArgumentWriter(Json).Write(3).ToArray();

        Assert.That(Encoding.UTF8.GetString(first), Is.EqualTo($"[\"{large}\",1]"));
        Assert.That(Encoding.UTF8.GetString(second), Is.EqualTo("[\"small\"]"));
        Assert.That(Encoding.UTF8.GetString(third), Is.EqualTo("[3]"));
    }

    [Test]
    public void Write_OfAValueWhoseConverterWritesArgumentsItself_KeepsBothArraysApart()
    {
        var options = new JsonSerializerOptions(JsonSerializerOptions.Default) { Converters = { new NestingConverter() } };

        var outer = new ArgumentWriter(options).Write("a").Write(new Nested("b")).Write("c").ToArray();

        Assert.That(JsonSerializer.Deserialize<string[]>(outer), Is.EqualTo(new[] { "a", "[\"b\"]", "c" }));
    }

    [Test]
    public void Write_WithTwoOptionsInTurn_UsesEachOnesSettings()
    {
        var camel = new JsonSerializerOptions(JsonSerializerOptions.Default) { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

        var plain1 = new ArgumentWriter(Json).Write(new Point(1, 2)).ToArray();
        var camel1 = new ArgumentWriter(camel).Write(new Point(1, 2)).ToArray();
        var plain2 = new ArgumentWriter(Json).Write(new Point(1, 2)).ToArray();

        Assert.That(Encoding.UTF8.GetString(plain1), Is.EqualTo("""[{"X":1,"Y":2}]"""));
        Assert.That(Encoding.UTF8.GetString(camel1), Is.EqualTo("""[{"x":1,"y":2}]"""));
        Assert.That(Encoding.UTF8.GetString(plain2), Is.EqualTo(Encoding.UTF8.GetString(plain1)));
    }

    private sealed record Point(int X, int Y);

    private sealed record Nested(string Value);

    /// <summary>Writes a <see cref="Nested"/> as the text of an argument array of its own, made while the outer one is open.</summary>
    private sealed class NestingConverter : JsonConverter<Nested>
    {
        public override Nested Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, Nested value, JsonSerializerOptions options)
            => writer.WriteStringValue(Encoding.UTF8.GetString(new ArgumentWriter(Json).Write(value.Value).ToArray()));
    }
}
