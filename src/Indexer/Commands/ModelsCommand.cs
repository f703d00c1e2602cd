using System.CommandLine;
using Retrieval.Indexer.Cli;
using Retrieval.Models.Clip;
using Retrieval.Models.Onnx;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Indexer.Commands;

/// <summary><c>retrieval models add-clip DIR [--index DIR]</c> and <c>retrieval models list [--index DIR]</c>.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "Show or register the models an index uses.");
        command.Subcommands.Add(AddClip());
        command.Subcommands.Add(List());
        return command;
    }

    /// <summary>Validates a CLIP export and records it in the index; prints what was registered. Exit 2 when the export does not fit.</summary>
    public static async Task<int> AddClipAsync(string modelDirectory, string indexDirectory, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ClipModelRegistration registration;
        ClipModelFingerprint fingerprint;
        try
        {
            registration = ClipModelRegistration.Inspect(modelDirectory, out fingerprint, cancellationToken);
        }
        catch (ModelLoadException e)
        {
            await error.WriteLineAsync($"models add-clip: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = indexDirectory });
        await registration.WriteAsync(store, cancellationToken).ConfigureAwait(false);
        await ClipModelRegistration.RecordFileStampsAsync(store, fingerprint, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Registered CLIP model {registration.ModelDirectory} (id {registration.ModelId}, {registration.EmbeddingWidth}-wide) for the index at {store.Location}.").ConfigureAwait(false);
        var embedded = await ClipModelRegistration.ReadEmbeddedModelAsync(store, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(embedded is null || embedded == registration.ModelId
            ? $"Run `retrieval index --embed --index {indexDirectory}` to add image and region embeddings."
            : $"The index holds embeddings of another CLIP model (id {embedded[..Math.Min(12, embedded.Length)]}): searches use the text alone until `retrieval index --embed --force --index {indexDirectory}` replaces them.").ConfigureAwait(false);
        return 0;
    }

    public static async Task<int> ListAsync(string indexDirectory, TextWriter output, CancellationToken cancellationToken)
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = indexDirectory, ReadOnly = true });
        var info = await store.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, hash) in info.Models)
        {
            await output.WriteLineAsync($"ocr   {name}  {hash}").ConfigureAwait(false);
        }

        var clip = await ClipModelRegistration.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(clip is null
            ? "clip  (none: register one with `retrieval models add-clip DIR`)"
            : $"clip  {clip.ModelDirectory}  id {clip.ModelId}  width {clip.EmbeddingWidth}").ConfigureAwait(false);
        if (clip is not null)
        {
            var counts = await store.CountEmbeddingsAsync(clip.ModelId, cancellationToken).ConfigureAwait(false);
            var images = await store.GetCountsAsync(cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"      embeddings: {counts.Embeddings} ({counts.Images} of {images.Images} images){(counts.Images < images.Images ? "; `retrieval index --embed` adds the rest" : string.Empty)}").ConfigureAwait(false);
        }

        return 0;
    }

    private static Command AddClip()
    {
        var directory = new Argument<string>("directory") { Description = "A CLIP ONNX export: Hugging Face split (text_model.onnx + vision_model.onnx) or OpenCLIP (textual/ + visual/)." };
        var index = CommonOptions.Index();
        var command = new Command("add-clip", "Validate a CLIP export and register it for the index's visual search channel.") { directory, index };
        command.SetAction((parse, ct) => AddClipAsync(parse.GetRequiredValue(directory), parse.GetRequiredValue(index), Console.Out, Console.Error, ct));
        return command;
    }

    private static Command List()
    {
        var index = CommonOptions.Index();
        var command = new Command("list", "List the OCR models that built the index and its registered CLIP model.") { index };
        command.SetAction((parse, ct) => ListAsync(parse.GetRequiredValue(index), Console.Out, ct));
        return command;
    }
}
