using Currant.Dashboard.Html;

namespace Currant.Dashboard.Pages;

/// <summary>The frame of every page: head (embedded stylesheet and script only), menu, mode, then the page's body.</summary>
internal static class Layout
{
    /// <summary>Changes with each build of the package, so browsers never keep an old asset.</summary>
    public static readonly string AssetVersion = typeof(Layout).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];

    public static string Render(string basePath, string title, string current, bool canAct, Action<HtmlWriter> body)
    {
        var h = new HtmlWriter();
        h.Raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.Element("title", title + " · Currant");
        h.Open("link", ("rel", "stylesheet"), ("href", $"{basePath}/assets/dashboard.css?v={AssetVersion}"));
        h.Open("script", ("src", $"{basePath}/assets/dashboard.js?v={AssetVersion}"), ("defer", "defer")).Close("script");
        h.Raw("</head>");
        h.Open("body", ("data-base", basePath));
        h.Raw("<header><span class=\"brand\">Currant</span><nav>");
        foreach (var (path, name) in Navigation.Sections)
        {
            h.Link(basePath + (path.Length == 0 ? "/" : path), name, name == current ? "current" : null);
        }

        h.Raw("</nav>");
        h.Element("span", canAct ? "actions enabled" : "read-only", ("class", canAct ? "mode act" : "mode"), ("id", "mode"));
        h.Raw("</header><main>");
        body(h);
        h.Raw("</main></body></html>");
        return h.ToString();
    }
}
