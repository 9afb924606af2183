using System.Text;
using Microsoft.AspNetCore.Http;

namespace Currant.Dashboard.Hosting;

/// <summary>Writes dashboard responses with headers that keep every request on the dashboard's own origin.</summary>
internal static class PageResponse
{
    // Scripts, styles, fetches, the event stream and form posts: same origin only. No inline script or style exists, so
    // none is allowed; a browser refuses anything else the page might try to load (no CDN, no tracker, no font host).
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'self'; base-uri 'none'; object-src 'none'";

    public static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "same-origin";
    }

    public static Task HtmlAsync(HttpContext http, string html, int status = StatusCodes.Status200OK)
    {
        Secure(http.Response);
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync(html, Encoding.UTF8, http.RequestAborted);
    }

    /// <summary>A page that only says what went wrong (a bad filter, an unknown id, a refused action).</summary>
    public static Task ProblemAsync(HttpContext http, string basePath, bool canAct, int status, string title, string message)
        => HtmlAsync(http, Pages.Layout.Render(basePath, title, "", canAct, h =>
        {
            h.Element("h1", title);
            h.Element("p", message, ("class", "error"), ("role", "alert"));
        }), status);
}
