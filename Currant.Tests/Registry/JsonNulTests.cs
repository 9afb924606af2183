using System.Text;

namespace Currant.Tests.Registry;

public sealed class JsonNulTests
{
    private static bool Contains(string json) => JsonNul.Contains(Encoding.UTF8.GetBytes(json));

    [Test]
    public void Contains_AStringWithNulAsSerialized_IsTrue()
    {
        var json = CurrantJson.Serialize("a\0b", CurrantJson.CreateDefaultOptions());

        Assert.That(JsonNul.Contains(json), Is.True);
    }

    [Test]
    public void Contains_TheTextBackslashU0000AsSerialized_IsFalse()
    {
        var json = CurrantJson.Serialize(@"C:\u0000\file", CurrantJson.CreateDefaultOptions());

        Assert.That(JsonNul.Contains(json), Is.False);
    }

    [TestCase("""["\u0000"]""", ExpectedResult = true)]
    [TestCase("""["x\u00001"]""", ExpectedResult = true)]
    [TestCase("""{"\u0000":1}""", ExpectedResult = true, Description = "in a property name")]
    [TestCase("""["\\\u0000"]""", ExpectedResult = true, Description = "an escaped backslash, then a NUL")]
    [TestCase("""["\\u0000"]""", ExpectedResult = false, Description = "an escaped backslash, then the text u0000")]
    [TestCase("""["\\\\u0000"]""", ExpectedResult = false)]
    [TestCase("""["\\u0000", "\u0000"]""", ExpectedResult = true, Description = "a real one after a false one")]
    [TestCase("""["\u0001", "u0000", 0]""", ExpectedResult = false)]
    [TestCase("", ExpectedResult = false)]
    public bool Contains_FindsOnlyARealNulEscape(string json) => Contains(json);

    [Test]
    public void Contains_ARawZeroByte_IsTrue()
    {
        Assert.That(JsonNul.Contains([(byte)'"', 0, (byte)'"']), Is.True);
    }

    [TestCase("""[1, "\u0000"]""", ExpectedResult = 1)]
    [TestCase("""[{"a":["x"]}, [2], {"b":"\u0000"}]""", ExpectedResult = 2)]
    [TestCase("""[1, "\\u0000"]""", ExpectedResult = -1)]
    [TestCase("""{"a":"\u0000"}""", ExpectedResult = -1, Description = "not an array")]
    public int FindInArray_ReturnsTheIndexOfTheElementHoldingTheNul(string json) => JsonNul.FindInArray(Encoding.UTF8.GetBytes(json));
}
