namespace RecServices.Lab.Profile;

/// <summary>
/// Where a CPU sample's time goes, by component: the stack is walked from the leaf towards the root, past frames that
/// belong to whoever called them (the base library's collections, strings, spans, memory copies), to the first frame
/// that names a component. Time in the kernel is named by the system call it serves. A worker spinning or waiting
/// for work is its own component, wherever the sample lands.
/// </summary>
public static class CpuComponents
{
    public const string Spinning = "thread pool: spinning and waiting for work";
    public const string KernelSockets = "kernel: socket reads, writes and polling";
    public const string KernelWakeups = "kernel: wake-ups and sleeps (futex)";
    public const string KernelMemory = "kernel: memory mapping and page faults";
    public const string KernelOther = "kernel: other";
    public const string Runtime = "runtime (native): GC, allocation, JIT, stubs";
    public const string Sqlite = "SQLite (native and Microsoft.Data.Sqlite)";
    public const string Onnx = "ONNX Runtime (native)";
    public const string Protobuf = "Protobuf: messages encoded and parsed";
    public const string Server = "ASP.NET Core, Kestrel, gRPC server";
    public const string Client = "HttpClient, gRPC client";
    public const string Sockets = "sockets and pipelines (managed)";
    public const string Async = "async machinery, thread pool dispatch";
    public const string Telemetry = "telemetry: metrics, activities, logging";
    public const string Own = "RecServices' own code";
    public const string Other = "other";

    private static readonly string[] SocketCalls =
    [
        "send",
        "sendmsg",
        "sendto",
        "recv",
        "recvmsg",
        "recvfrom",
        "epoll_wait",
        "epoll_ctl",
        "read",
        "write",
        "writev",
        "readv",
        "accept4",
    ];

    /// <summary>The component of one sample, its stack leaf first.</summary>
    public static string Of(IReadOnlyList<Frame> leafFirst)
    {
        foreach (var frame in leafFirst)
        {
            if (
                frame.Method.Contains("LowLevelSpinWaiter", StringComparison.Ordinal)
                || frame.Method.Contains("LowLevelLifoSemaphore", StringComparison.Ordinal)
                || (frame.Module.StartsWith("libc", StringComparison.Ordinal) && frame.Method == "__sched_yield")
            )
            {
                return Spinning;
            }
        }

        if (leafFirst.Count > 0 && leafFirst[0].IsKernel)
        {
            return Kernel(leafFirst);
        }

        foreach (var frame in leafFirst)
        {
            if (Named(frame) is { } component)
            {
                return component;
            }
        }

        return Other;
    }

    private static string Kernel(IReadOnlyList<Frame> leafFirst)
    {
        foreach (var frame in leafFirst)
        {
            if (frame.IsKernel)
            {
                if (frame.Method.Contains("page_fault", StringComparison.Ordinal))
                {
                    return KernelMemory;
                }

                continue;
            }

            var call = frame.Method.TrimStart('_');
            if (
                frame.Module.StartsWith("libc", StringComparison.Ordinal)
                || frame.Module.StartsWith("libsystem.native", StringComparison.Ordinal)
            )
            {
                return SocketCalls.Contains(call) || call.StartsWith("SystemNative_", StringComparison.Ordinal)
                        ? KernelSockets
                    : call.Contains("futex", StringComparison.Ordinal)
                    || call.Contains("pthread_cond", StringComparison.Ordinal)
                    || call.Contains("lll_lock", StringComparison.Ordinal)
                        ? KernelWakeups
                    : call.Contains("mmap", StringComparison.Ordinal)
                    || call.Contains("munmap", StringComparison.Ordinal)
                    || call.Contains("madvise", StringComparison.Ordinal)
                    || call.Contains("mprotect", StringComparison.Ordinal)
                        ? KernelMemory
                    : KernelOther;
            }

            return Named(frame) ?? KernelOther; // a fault or an interrupt taken in user code: that code's component
        }

        return KernelOther;
    }

    /// <summary>The component a frame names; null for a frame that belongs to its caller.</summary>
    private static string? Named(Frame frame)
    {
        if (!frame.IsManaged)
        {
            var module = frame.Module;
            return module.StartsWith("libe_sqlite3", StringComparison.Ordinal) ? Sqlite
                : module.StartsWith("libonnxruntime", StringComparison.Ordinal) ? Onnx
                : module.StartsWith("libcoreclr", StringComparison.Ordinal)
                || module.StartsWith("libclrjit", StringComparison.Ordinal)
                || module.StartsWith("memfd:doublemapper", StringComparison.Ordinal)
                || module.Length == 0
                    ? Runtime
                : null; // libc and the base library's native parts: their caller's
        }

        var method = frame.Method;
        return method.StartsWith("RecServices.Contracts.", StringComparison.Ordinal)
            || method.StartsWith("Google.Protobuf.", StringComparison.Ordinal)
                ? Protobuf
            : method.StartsWith("RecServices.ServiceDefaults.Telemetry.", StringComparison.Ordinal)
            || method.StartsWith("OpenTelemetry.", StringComparison.Ordinal)
            || method.StartsWith("System.Diagnostics.", StringComparison.Ordinal)
            || method.StartsWith("Microsoft.Extensions.Logging.", StringComparison.Ordinal)
                ? Telemetry
            : method.StartsWith("RecServices.", StringComparison.Ordinal) ? Own
            : method.StartsWith("Microsoft.Data.Sqlite.", StringComparison.Ordinal)
            || method.StartsWith("SQLitePCL.", StringComparison.Ordinal)
            || method.Contains("SQLitePCL", StringComparison.Ordinal)
                ? Sqlite
            : method.StartsWith("Microsoft.ML.OnnxRuntime.", StringComparison.Ordinal) ? Onnx
            : method.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal)
            || method.StartsWith("Grpc.AspNetCore.", StringComparison.Ordinal)
            || method.StartsWith("Grpc.Shared.Server.", StringComparison.Ordinal)
                ? Server
            : method.StartsWith("Grpc.", StringComparison.Ordinal)
            || method.StartsWith("System.Net.Http.", StringComparison.Ordinal)
                ? Client
            : method.StartsWith("System.Net.", StringComparison.Ordinal)
            || method.StartsWith("System.IO.Pipelines.", StringComparison.Ordinal)
                ? Sockets
            : method.StartsWith("System.Threading.", StringComparison.Ordinal)
            || method.StartsWith("System.Runtime.CompilerServices.Async", StringComparison.Ordinal)
            || method.StartsWith("System.Runtime.CompilerServices.TaskAwaiter", StringComparison.Ordinal)
                ? Async
            : null; // collections, strings, spans, LINQ, casts, interop helpers: their caller's
    }
}
