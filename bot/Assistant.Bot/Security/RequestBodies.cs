using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Assistant.Bot.Security;

/// <summary>Request bodies read with a cap, so that no endpoint buffers more than it can use (the server's own limit is 30 MB).</summary>
public static class RequestBodies
{
    /// <summary>The body's bytes, or null when it is longer than <paramref name="max"/>: refused from its Content-Length before
    /// anything is read, else as soon as the bytes read pass the cap (chunked bodies).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength > max)
            return null;
        // Kestrel then stops reading (and draining) the connection at the cap too.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = max;
        using var body = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > max)
                    return null;
                body.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return body.ToArray();
    }
}
