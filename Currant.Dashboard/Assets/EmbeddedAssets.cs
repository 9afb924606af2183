using Microsoft.AspNetCore.Http;

namespace Currant.Dashboard.Assets;

/// <summary>
/// The stylesheet and script, embedded in this assembly (EmbeddedResource) and served from memory: no static web
/// assets to publish, so the dashboard works the same in a class-library host, a single-file app or the tool.
/// </summary>
internal static class EmbeddedAssets
{
    private static readonly Dictionary<string, (byte[] Content, string ContentType)> Files = Load();

    public static async Task ServeAsync(HttpContext http, string file)
    {
        if (!Files.TryGetValue(file, out var asset))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        Hosting.PageResponse.Secure(http.Response);
        http.Response.ContentType = asset.ContentType;
        // Links carry the build's version (Layout.AssetVersion), so a cached copy is never stale.
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        http.Response.ContentLength = asset.Content.Length;
        await http.Response.Body.WriteAsync(asset.Content, http.RequestAborted).ConfigureAwait(false);
    }

    private static Dictionary<string, (byte[], string)> Load()
    {
        const string prefix = "Currant.Dashboard.Assets.";
        var assembly = typeof(EmbeddedAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var file = name[prefix.Length..];
            var type = file.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8"
                : file.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8"
                : "application/octet-stream";
            files[file] = (copy.ToArray(), type);
        }

        return files;
    }
}
