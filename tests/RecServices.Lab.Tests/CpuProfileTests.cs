using RecServices.Lab.Profile;

namespace RecServices.Lab.Tests;

/// <summary><c>recs-lab profile</c>'s attribution of CPU samples to components, on hand-made stacks (leaf first).</summary>
public sealed class CpuProfileTests
{
    private static Frame Managed(string method) => new("System.Private.CoreLib", method);

    private static Frame Native(string module, string function = "") => new(module, function);

    private static Frame Kernel(string function) => new("vmlinux", function);

    [Fact]
    public void ASampleGoesToTheFirstComponentFromTheLeaf_PastTheBaseLibraryItsCallerUsed()
    {
        // A HashSet lookup called by the candidate generator is the generator's time, not "collections".
        var stack = new[]
        {
            Managed("System.Collections.Generic.HashSet`1[System.Int32]::FindItemIndex(!0)"),
            Managed("RecServices.Serving.Retrieval.CandidateGenerator::Generate(class UserContext,int32)"),
            Managed("Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http2.Http2Stream`1::Execute()"),
        };

        Assert.Equal(CpuComponents.Own, CpuComponents.Of(stack));
        Assert.Equal(CpuComponents.Server, CpuComponents.Of(stack[2..]));
        Assert.Equal(
            CpuComponents.Protobuf,
            CpuComponents.Of([Managed("Google.Protobuf.WritingPrimitives::WriteRawVarint32(...)"), stack[1]])
        );
        Assert.Equal(
            CpuComponents.Protobuf,
            CpuComponents.Of([
                Managed("RecServices.Contracts.Retrieval.V1.GetCandidatesResponse::CalculateSize()"),
                stack[1],
            ])
        );
        Assert.Equal(
            CpuComponents.Client,
            CpuComponents.Of([Managed("System.Net.Http.Http2Connection::SendAsync(...)"), stack[1]])
        );
        Assert.Equal(
            CpuComponents.Telemetry,
            CpuComponents.Of([
                Managed("RecServices.ServiceDefaults.Telemetry.RpcServerMetricsInterceptor::ObserveAsync(...)"),
            ])
        );
    }

    [Fact]
    public void NativeCode_IsNamedByItsLibrary_LibcByItsCaller()
    {
        Assert.Equal(
            CpuComponents.Sqlite,
            CpuComponents.Of([
                Native("libe_sqlite3.so", "sqlite3VdbeExec"),
                Managed("RecServices.Users.SqliteUserStore::FindAsync(...)"),
            ])
        );
        Assert.Equal(
            CpuComponents.Onnx,
            CpuComponents.Of([Native("libonnxruntime.so"), Managed("RecServices.Serving.Ranking.UserTower::Run(...)")])
        );
        Assert.Equal(
            CpuComponents.Runtime,
            CpuComponents.Of([
                Native("libc.so.6", "__memset_avx512_unaligned_erms"),
                Native("libcoreclr.so"),
                Managed("RecServices.Serving.Retrieval.CandidateSet::.ctor(int32)"),
            ])
        );
        Assert.Equal(
            CpuComponents.Own,
            CpuComponents.Of([
                Native("libc.so.6", "__memmove_avx512_unaligned_erms"),
                Managed("RecServices.Core.Bundles.ItemCatalog::IdOf(int32)"),
            ])
        );
        Assert.Equal(CpuComponents.Other, CpuComponents.Of([Native("libc.so.6", "__memmove_avx512_unaligned_erms")]));
    }

    [Fact]
    public void KernelTime_IsNamedByTheSystemCallItServes()
    {
        Assert.Equal(
            CpuComponents.KernelSockets,
            CpuComponents.Of([
                Kernel("tcp_sendmsg"),
                Kernel("do_syscall_64"),
                Native("libc.so.6", "sendmsg"),
                Managed("System.Net.Sockets.SocketPal::Send(...)"),
            ])
        );
        Assert.Equal(
            CpuComponents.KernelSockets,
            CpuComponents.Of([
                Kernel("do_epoll_wait"),
                Native("libc.so.6", "epoll_wait"),
                Native("libsystem.native.so", "SystemNative_WaitForSocketEvents"),
            ])
        );
        Assert.Equal(
            CpuComponents.KernelWakeups,
            CpuComponents.Of([
                Kernel("futex_wake"),
                Native("libc.so.6", "pthread_cond_signal"),
                Native("libcoreclr.so"),
            ])
        );
        Assert.Equal(
            CpuComponents.KernelMemory,
            CpuComponents.Of([
                Kernel("clear_page_erms"),
                Kernel("exc_page_fault"),
                Managed("RecServices.Serving.Retrieval.CandidateSet::Append(...)"),
            ])
        );
        Assert.Equal(
            CpuComponents.KernelMemory,
            CpuComponents.Of([Kernel("do_mmap"), Native("libc.so.6", "__mmap"), Native("libcoreclr.so")])
        );

        // An interrupt taken in user code is that code's time.
        Assert.Equal(
            CpuComponents.Own,
            CpuComponents.Of([
                Kernel("asm_sysvec_apic_timer_interrupt"),
                Managed("RecServices.Serving.Ranking.Ranker::Rank(...)"),
            ])
        );
    }

    [Fact]
    public void AWorkerSpinningOrWaitingForWork_IsSpinning_WhereverTheSampleLands()
    {
        Assert.Equal(
            CpuComponents.Spinning,
            CpuComponents.Of([
                Kernel("do_sched_yield"),
                Native("libc.so.6", "__sched_yield"),
                Native("libcoreclr.so"),
                Managed("System.Threading.LowLevelSpinWaiter::Wait(int32,int32,bool)"),
            ])
        );
        Assert.Equal(
            CpuComponents.Spinning,
            CpuComponents.Of([
                Native("libcoreclr.so"),
                Managed("System.Threading.LowLevelLifoSemaphore::Wait(int32,bool)"),
            ])
        );
        Assert.Equal(
            CpuComponents.Async,
            CpuComponents.Of([Managed("System.Threading.ThreadPoolWorkQueue::Dispatch()")])
        );
    }

    [Fact]
    public void Report_SharesAddUpToTheSamples_AndOwnMethodsCountAnAsyncMethodOnceAsItsName()
    {
        var generate = Managed("RecServices.Serving.Retrieval.CandidateGenerator::Generate(...)");
        var handler = Managed("RecServices.Retrieval.Services.RetrievalGrpcService+<GetCandidates>d__3::MoveNext()");
        var wrapper = Managed("RecServices.GrpcHardening.LengthPrefixCheck::Invoke(...)");
        var profile = CpuProfile.Of([
            [generate, handler, wrapper],
            [Managed("Google.Protobuf.WritingPrimitives::WriteRawVarint32(...)"), handler, handler, wrapper],
            [Kernel("tcp_sendmsg"), Native("libc.so.6", "sendmsg")],
            [Native("libcoreclr.so")],
        ]);

        var components = profile.Components().ToDictionary(c => c.Component, c => c.Share);
        Assert.Equal(1.0, components.Values.Sum(), 6);
        Assert.Equal(0.25, components[CpuComponents.Own]);
        Assert.Equal(0.25, components[CpuComponents.Protobuf]);
        Assert.Equal(0.25, components[CpuComponents.KernelSockets]);
        Assert.Equal(0.25, components[CpuComponents.Runtime]);

        var methods = profile.OwnMethods(10);
        // once per sample
        Assert.Equal(("RecServices.Retrieval.Services.RetrievalGrpcService.GetCandidates", 0.5), methods[0]);
        Assert.Equal(("RecServices.Serving.Retrieval.CandidateGenerator.Generate", 0.25), methods[1]);
        Assert.DoesNotContain(methods, m => m.Method.Contains("ServiceDefaults", StringComparison.Ordinal));

        var report = new StringWriter();
        profile.Write(report, cpuMicrosPerCall: 200, top: 5);
        Assert.Contains($"| {CpuComponents.Own} | 25.0 % | 50 |", report.ToString());
    }

    [Fact]
    public void Read_AFileThatIsNotATrace_SaysSoNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"recs-not-a-trace-{Guid.NewGuid():N}.nettrace");
        File.WriteAllText(path, "not a trace");
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => CpuProfile.Read(path, null));
            Assert.Contains(path, e.Message);
            Assert.Contains("dotnet-trace collect-linux", e.Message);
            Assert.Throws<FileNotFoundException>(() => CpuProfile.Read(path + ".missing", null));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
