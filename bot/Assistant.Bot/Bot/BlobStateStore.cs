using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Assistant.Bot.Bot;

/// <summary>Bot state in an Azure Blob Storage container, shared by every replica: one JSON blob per state key, with the blob's
/// ETag as the item's eTag (writes carry it as If-Match, so a stale write fails instead of losing another replica's turn).</summary>
/// <remarks>Bot Framework's own Microsoft.Bot.Builder.Azure.Blobs is not served by this project's package registry; this is the
/// same idea over Azure.Storage.Blobs. Blob names are the keys URL-escaped ("msteams/conversations/a:1" has '/' and ':').
/// The container is created on first use.</remarks>
public sealed class BlobStateStore(BlobContainerClient container) : IBotStateStore
{
    private volatile bool _created;

    public string Description => $"Azure blob container {container.Name} at {container.Uri.GetLeftPart(UriPartial.Authority)}";

    public async Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, object>();
        foreach (var key in keys)
        {
            try
            {
                var blob = (await Blob(key).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
                result[key] = StateJson.Deserialize(blob.Content.ToString(), blob.Details.ETag.ToString());
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // No state for this key yet.
            }
        }
        return result;
    }

    public async Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (key, value) in changes)
        {
            var content = BinaryData.FromString(StateJson.Serialize(value));
            var eTag = StateJson.ETagOf(value);
            try
            {
                await UploadAsync(key, content, eTag is null ? null : new BlobRequestConditions { IfMatch = new ETag(eTag) }, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Stale, or gone since it was read (idle eviction): only a blob that still exists makes this a conflict.
                if (e.Status == 412 && await Blob(key).ExistsAsync(cancellationToken).ConfigureAwait(false))
                    throw new StateConflictException(key, e);
                await CreateAsync(key, content, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        foreach (var key in keys)
            await Blob(key).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> EvictIdleAsync(TimeSpan idle, CancellationToken ct = default)
    {
        await EnsureContainerAsync(ct).ConfigureAwait(false);
        var cutoff = DateTimeOffset.UtcNow - idle;
        var evicted = 0;
        await foreach (var item in container.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            if (item.Properties.LastModified is not { } modified || modified >= cutoff)
                continue;
            try
            {
                // Only the version that was idle: a turn that wrote it since (on any replica) keeps it.
                var deleted = await container.DeleteBlobIfExistsAsync(item.Name, conditions: new BlobRequestConditions { IfMatch = item.Properties.ETag }, cancellationToken: ct).ConfigureAwait(false);
                if (deleted.Value)
                    evicted++;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
            }
        }
        return evicted;
    }

    /// <summary>Counts the container's blobs (a listing: a few calls for thousands of conversations).</summary>
    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await EnsureContainerAsync(ct).ConfigureAwait(false);
        long count = 0;
        await foreach (var _ in container.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
            count++;
        return count;
    }

    private async Task CreateAsync(string key, BinaryData content, CancellationToken ct)
    {
        try
        {
            await UploadAsync(key, content, new BlobRequestConditions { IfNoneMatch = ETag.All }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another turn created it first.
            throw new StateConflictException(key, e);
        }
    }

    private Task UploadAsync(string key, BinaryData content, BlobRequestConditions? conditions, CancellationToken ct) =>
        Blob(key).UploadAsync(content, new BlobUploadOptions
        {
            Conditions = conditions,
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        }, ct);

    private BlobClient Blob(string key) => container.GetBlobClient(Uri.EscapeDataString(key));

    // Until it has worked once: a failed attempt (storage briefly unreachable) is tried again on the next call.
    private async Task EnsureContainerAsync(CancellationToken ct)
    {
        if (_created)
            return;
        await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        _created = true;
    }
}
