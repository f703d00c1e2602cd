using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Retrieval.Models.Onnx;

/// <summary>What a model file must look like: names, element types and ranks of its inputs and outputs.</summary>
public sealed record TensorSpec(string Name, TensorElementType ElementType, int Rank);

/// <summary>A model file could not be loaded or does not have the expected shape.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One ONNX Runtime session and the native options it needs, owned together. It validates the
/// model's inputs and outputs on load, picks the execution device as <see cref="OnnxOptions"/> says
/// (and logs the choice), and keeps <see cref="RunOptions"/> alive for every run: a RunOptions
/// finalized while Run is in flight crashes the process.
/// </summary>
public sealed partial class ModelSession : IDisposable
{
    private readonly SessionOptions sessionOptions;

    private ModelSession(string path, InferenceSession session, SessionOptions sessionOptions, ExecutionDevice device)
    {
        Path = path;
        Session = session;
        this.sessionOptions = sessionOptions;
        Device = device;
        RunOptions = new RunOptions();
    }

    public string Path { get; }

    public InferenceSession Session { get; }

    public RunOptions RunOptions { get; }

    /// <summary>The device the session actually runs on (never Auto).</summary>
    public ExecutionDevice Device { get; }

    public static ModelSession Open(string path, OnnxOptions options, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs, int concurrentSessions = 1, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        logger ??= NullLogger.Instance;
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"Model file not found: {path}. Build the solution to fetch the default models, or check the --models option.");
        }

        var device = options.Device;
        SessionOptions sessionOptions;
        InferenceSession session;
        try
        {
            (sessionOptions, device) = CreateSessionOptions(path, options, concurrentSessions, logger);
            session = new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e) when (device == ExecutionDevice.Cuda && options.Device == ExecutionDevice.Auto)
        {
            LogCudaFallback(logger, path, e.Message);
            (sessionOptions, device) = CreateSessionOptions(path, options with { Device = ExecutionDevice.Cpu }, concurrentSessions, logger);
            session = new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException($"{path}: ONNX Runtime could not load the model: {e.Message}", e);
        }

        try
        {
            Validate(path, "input", session.InputMetadata, inputs);
            Validate(path, "output", session.OutputMetadata, outputs);
        }
        catch
        {
            session.Dispose();
            sessionOptions.Dispose();
            throw;
        }

        LogOpened(logger, System.IO.Path.GetFileName(path), device);
        return new ModelSession(path, session, sessionOptions, device);
    }

    /// <summary>
    /// Runs the model and adds the time spent inside ONNX Runtime to <see cref="InferenceClock"/>,
    /// so benchmarks can state pipeline overhead as a share of model time.
    /// </summary>
    public void Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames, IReadOnlyCollection<OrtValue> outputs)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            Session.Run(RunOptions, inputNames, inputs, outputNames, outputs);
        }
        finally
        {
            InferenceClock.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start));
        }
    }

    /// <summary>Threads one session may use so that <paramref name="concurrentSessions"/> sessions fill the cores without oversubscription.</summary>
    public static int ThreadsFor(OnnxOptions options, int concurrentSessions) =>
        options.ThreadsPerSession > 0 ? options.ThreadsPerSession : Math.Max(1, Environment.ProcessorCount / Math.Max(1, concurrentSessions));

    public void Dispose()
    {
        Session.Dispose();
        RunOptions.Dispose();
        sessionOptions.Dispose();
    }

    private static (SessionOptions Options, ExecutionDevice Device) CreateSessionOptions(string path, OnnxOptions options, int concurrentSessions, ILogger logger)
    {
        var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = ThreadsFor(options, concurrentSessions),
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (options.Device == ExecutionDevice.Cpu)
        {
            return (so, ExecutionDevice.Cpu);
        }

        try
        {
            so.AppendExecutionProvider_CUDA(options.CudaDeviceId);
            return (so, ExecutionDevice.Cuda);
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            if (options.Device == ExecutionDevice.Cuda)
            {
                so.Dispose();
                throw new ModelLoadException(
                    $"The CUDA execution provider could not be loaded: {e.Message}. Install it with 'bash build/fetch-native-deps.sh gpu' " +
                    "(needs CUDA 13 and cuDNN 9 on the machine), or run with --device Cpu.", e);
            }

            LogCudaFallback(logger, System.IO.Path.GetFileName(path), e.Message);
            return (so, ExecutionDevice.Cpu);
        }
    }

    private static void Validate(string path, string kind, IReadOnlyDictionary<string, NodeMetadata> actual, IReadOnlyList<TensorSpec> expected)
    {
        foreach (var spec in expected)
        {
            if (!actual.TryGetValue(spec.Name, out var meta))
            {
                throw new ModelLoadException($"{path}: expected an {kind} named '{spec.Name}', the model has {string.Join(", ", actual.Keys.Select(k => $"'{k}'"))}.");
            }

            if (!meta.IsTensor || meta.ElementDataType != spec.ElementType || meta.Dimensions.Length != spec.Rank)
            {
                throw new ModelLoadException(
                    $"{path}: {kind} '{spec.Name}' should be a rank-{spec.Rank} {spec.ElementType} tensor, " +
                    $"it is a rank-{meta.Dimensions.Length} {meta.ElementDataType} {(meta.IsTensor ? "tensor" : meta.OnnxValueType.ToString())}.");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "CUDA is not available for {Model}, running on the CPU instead: {Reason}")]
    private static partial void LogCudaFallback(ILogger logger, string model, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Loaded {Model} on {Device}")]
    private static partial void LogOpened(ILogger logger, string model, ExecutionDevice device);
}
