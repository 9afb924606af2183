using System.Globalization;
using System.Text;
using System.Net;

namespace Currant.Dashboard.Html;

/// <summary>
/// Builds a page. Everything that comes from the database or the request goes through <see cref="Text(string?)"/> or an
/// attribute method, which HTML-encode it; <see cref="Raw"/> takes only markup written in this assembly.
/// </summary>
internal sealed class HtmlWriter
{
    private readonly StringBuilder _b = new();

    public HtmlWriter Raw(string markup)
    {
        _b.Append(markup);
        return this;
    }

    public HtmlWriter Text(string? text)
    {
        if (text is not null)
        {
            _b.Append(WebUtility.HtmlEncode(text));
        }

        return this;
    }

    public HtmlWriter Text(long value) => Raw(value.ToString("N0", CultureInfo.InvariantCulture));

    /// <summary><c>&lt;tag attr="value"…&gt;</c> with every value encoded; null values are left out.</summary>
    public HtmlWriter Open(string tag, params (string Name, string? Value)[] attributes)
    {
        _b.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is null)
            {
                continue;
            }

            _b.Append(' ').Append(name).Append("=\"").Append(WebUtility.HtmlEncode(value)).Append('"');
        }

        _b.Append('>');
        return this;
    }

    public HtmlWriter Close(string tag) => Raw("</" + tag + ">");

    /// <summary>An element holding encoded text.</summary>
    public HtmlWriter Element(string tag, string? text, params (string Name, string? Value)[] attributes)
        => Open(tag, attributes).Text(text).Close(tag);

    public HtmlWriter Link(string href, string text, string? cssClass = null)
        => Element("a", text, ("href", href), ("class", cssClass));

    public override string ToString() => _b.ToString();
}
