using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Retrieval.Models.Clip;

internal static partial class ClipLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "CLIP {Tower} tower {Path}: input '{Input}' ({InputType}), embedding width {Width}, batch {Batch}")]
    public static partial void TowerOpened(ILogger logger, string tower, string path, string input, TensorElementType inputType, int width, int batch);
}
