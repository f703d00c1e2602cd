namespace Retrieval.Models.Onnx;

/// <summary>Where models run. Persisted in options files: values are frozen.</summary>
public enum ExecutionDevice
{
    /// <summary>CUDA when its provider loads, otherwise CPU with a Warning that says why.</summary>
    Auto = 0,
    Cpu = 1,

    /// <summary>CUDA or a clear failure; never a silent fallback.</summary>
    Cuda = 2,
}

/// <summary>How ONNX sessions are created.</summary>
public sealed record OnnxOptions
{
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;

    /// <summary>Intra-op threads per session; 0 means "all cores, divided among the sessions that run at once".</summary>
    public int ThreadsPerSession { get; init; }

    /// <summary>CUDA device ordinal.</summary>
    public int CudaDeviceId { get; init; }

    public void Validate()
    {
        if (!Enum.IsDefined(Device))
        {
            throw new ArgumentOutOfRangeException(nameof(Device), Device, "Device must be Auto, Cpu or Cuda.");
        }

        if (ThreadsPerSession < 0 || ThreadsPerSession > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(ThreadsPerSession), ThreadsPerSession, "ThreadsPerSession must be 0 (automatic) or 1..1024.");
        }

        if (CudaDeviceId < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CudaDeviceId), CudaDeviceId, "CudaDeviceId must not be negative.");
        }
    }
}
