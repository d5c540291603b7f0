using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Assistant.Hosting;

/// <summary>Azure Storage clients from <see cref="StorageSettings"/>: the connection string when one is set, otherwise the
/// service URIs signed in with Entra ID (the managed identity in Azure, an Azure CLI login on a workstation).</summary>
public static class AzureStorageClients
{
    // One credential for every client, so its tokens are cached once.
    private static readonly Lazy<TokenCredential> Credential = new(() => new DefaultAzureCredential());

    /// <summary>The blob container that holds Bot Framework conversation state.</summary>
    public static BlobContainerClient StateContainer(StorageSettings settings) =>
        (string.IsNullOrWhiteSpace(settings.ConnectionString)
            ? new BlobServiceClient(new Uri(settings.BlobServiceUri!), Credential.Value)
            : new BlobServiceClient(settings.ConnectionString))
        .GetBlobContainerClient(settings.StateContainer);

    /// <summary>The table that holds the review log.</summary>
    public static TableClient ReviewTable(StorageSettings settings) =>
        string.IsNullOrWhiteSpace(settings.ConnectionString)
            ? new TableClient(new Uri(settings.TableServiceUri!), settings.ReviewTable, Credential.Value)
            : new TableClient(settings.ConnectionString, settings.ReviewTable);
}
