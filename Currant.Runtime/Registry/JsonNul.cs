using System.Text.Json;

namespace Currant;

/// <summary>
/// Finds the character U+0000 in UTF-8 JSON. Postgres <c>jsonb</c> refuses it (<c>22P05</c>, "unsupported Unicode
/// escape sequence") and <c>text</c> cannot hold it, so arguments, signal payloads and results are checked with this
/// before they reach the database.
/// </summary>
internal static class JsonNul
{
    /// <summary>
    /// True when <paramref name="utf8Json"/> holds U+0000: the escape <c>\u0000</c> (not an escaped backslash followed
    /// by the text <c>u0000</c>), or a raw zero byte.
    /// </summary>
    public static bool Contains(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.IndexOf((byte)0) >= 0)
        {
            return true;
        }

        var offset = 0;
        while (true)
        {
            var found = utf8Json[offset..].IndexOf(@"\u0000"u8);
            if (found < 0)
            {
                return false;
            }

            var at = offset + found;
            // Backslashes pair up from the left inside a JSON string: the one at 'at' starts an escape only when an
            // even number of backslashes precedes it ("\\u0000" is a backslash followed by the text "u0000").
            var preceding = 0;
            while (at - preceding - 1 >= 0 && utf8Json[at - preceding - 1] == (byte)'\\')
            {
                preceding++;
            }

            if (preceding % 2 == 0)
            {
                return true;
            }

            offset = at + 1;
        }
    }

    /// <summary>
    /// The index of the first element of the JSON array <paramref name="utf8JsonArray"/> that <see cref="Contains"/>
    /// U+0000, or -1 when none does or the text is not a readable array. For error messages only.
    /// </summary>
    public static int FindInArray(ReadOnlySpan<byte> utf8JsonArray)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8JsonArray);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return -1;
            }

            for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (Contains(utf8JsonArray[start..(int)reader.BytesConsumed]))
                {
                    return index;
                }
            }
        }
        catch (JsonException)
        {
            // A raw zero byte is not valid JSON: the caller reports the arguments as a whole.
        }

        return -1;
    }
}
