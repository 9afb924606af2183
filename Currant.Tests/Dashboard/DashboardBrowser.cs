using System.Net;
using System.Text.RegularExpressions;

namespace Currant.Tests.Dashboard;

/// <summary>An HTTP client that keeps cookies (the antiforgery cookie) and signs in by header, like a browser would.</summary>
public sealed partial class DashboardBrowser : IDisposable
{
    private readonly HttpClient _http;

    public DashboardBrowser(DashboardHost host, string? user = null, string? roles = null)
        : this(host.Root, user, roles)
    {
    }

    public DashboardBrowser(Uri root, string? user = null, string? roles = null)
    {
        _http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = root };
        if (user is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Test-User", user);
        }

        if (roles is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Test-Roles", roles);
        }
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public async Task<string> GetPageAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"GET {path}: {body}");
        return body;
    }

    /// <summary>Posts a form; with <paramref name="tokenFrom"/>, first takes the antiforgery token from that page, as its form would.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>>? fields = null, string? tokenFrom = null)
    {
        var form = new List<KeyValuePair<string, string>>(fields ?? []);
        if (tokenFrom is not null)
        {
            var page = await GetPageAsync(tokenFrom);
            var match = TokenField().Match(page);
            Assert.That(match.Success, Is.True, $"the page {tokenFrom} has an antiforgery field");
            form.Add(new(match.Groups[1].Value, WebUtility.HtmlDecode(match.Groups[2].Value)));
        }

        return await _http.PostAsync(path, new FormUrlEncodedContent(form));
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<input type=\"hidden\" name=\"(__RequestVerificationToken)\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
