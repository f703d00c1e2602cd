namespace Retrieval.Models.Clip;

/// <summary>How a CLIP export is laid out on disk. Recorded with an index's model identity: values are frozen.</summary>
public enum ClipLayout
{
    /// <summary>
    /// Hugging Face split export: <c>text_model.onnx</c> (<c>input_ids</c>, optional <c>attention_mask</c> → <c>text_embeds</c>),
    /// <c>vision_model.onnx</c> (<c>pixel_values</c> → <c>image_embeds</c>), <c>vocab.json</c> + <c>merges.txt</c> or
    /// <c>tokenizer.json</c>, <c>preprocessor_config.json</c>; the models may sit in an <c>onnx/</c> subfolder.
    /// </summary>
    HuggingFace = 0,

    /// <summary>
    /// OpenCLIP export as Immich publishes it: <c>textual/model.onnx</c> (<c>text</c> int32 [N,77]),
    /// <c>visual/model.onnx</c> (<c>image</c> [N,3,S,S]), <c>textual/tokenizer.json</c> (or vocab.json + merges.txt),
    /// <c>textual/tokenizer_config.json</c>, <c>visual/preprocess_cfg.json</c>, <c>config.json</c>.
    /// </summary>
    OpenClip = 1,
}

/// <summary>What fills the token sequence after the end token. Both give the same embedding for models that pool at
/// the first end token; the model's own convention is used so the input is exactly what it was trained and exported with.</summary>
public enum ClipPadding
{
    /// <summary>Id 0 (the "!" token), as OpenAI's and OpenCLIP's tokenizers pad.</summary>
    Zeros = 0,

    /// <summary>The end-of-text token, as Hugging Face's CLIPTokenizer pads (<c>pad_token</c> = <c>&lt;|endoftext|&gt;</c>).</summary>
    EndToken = 1,
}

/// <summary>How an image of any shape becomes the model's S×S input.</summary>
public enum ClipResizeMode
{
    /// <summary>Shortest side to S, then a centered S×S crop (CLIP's own preprocessing; edges of wide images are lost).</summary>
    Shortest = 0,

    /// <summary>Longest side to S, then centered padding to S×S with the fill color: the whole image is kept, so text
    /// near the edges survives, at the cost of a smaller scale.</summary>
    Longest = 1,

    /// <summary>Straight to S×S, ignoring the aspect ratio.</summary>
    Squash = 2,
}
