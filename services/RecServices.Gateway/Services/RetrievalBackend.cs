using Grpc.Core;
using Microsoft.Extensions.Options;
using RecServices.Contracts.Common.V1;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Serving.Pipeline;
using static RecServices.Gateway.Services.BackendCalls;

namespace RecServices.Gateway.Services;

/// <summary>
/// The gateway's client of retrieval: builds the request for a user (item indexes when pinned to the gateway's own
/// version), checks the answer's columns, and keeps the backend's health (breaker, failure log, degraded count).
/// </summary>
public sealed class RetrievalBackend(
    RetrievalService.RetrievalServiceClient client,
    IOptions<GatewayOptions> options,
    GatewayMetrics metrics,
    TimeProvider time,
    ILogger<RetrievalBackend> logger
) : ICandidateStage<RecommendCall>
{
    private readonly GatewayOptions _options = options.Value;
    private readonly BackendHealth _health = new(
        logger,
        "Retrieval",
        "answering degraded (the most popular items)",
        options.Value,
        time
    );

    /// <summary>
    /// The candidates for the user, pinned to <paramref name="version"/>; a failure is counted, logged and answered
    /// as a reason.
    /// </summary>
    async ValueTask<CandidateAnswer> ICandidateStage<RecommendCall>.CandidatesAsync(
        RecommendCall call,
        string version,
        bool allowRedirect,
        CancellationToken cancellationToken
    )
    {
        if (!_health.Allow())
        {
            metrics.RecordDegraded("retrieval", SkippedStatus);
            return CandidateAnswer.Failed("retrieval skipped after repeated failures: most popular items");
        }

        var user = call.User;
        var request = BackendRequests.Candidates(
            call.State.Bundle,
            call.Served,
            call.Context,
            call.Excluded.Length == 0 ? call.History : [.. call.History, .. call.Excluded],
            user?.Age,
            user?.Gender,
            call.MaxCandidates,
            version
        );
        var deadline = call.Deadline(_options.RetrievalTimeoutMs, time);
        try
        {
            var proposals = await client.GetCandidatesAsync(
                request,
                deadline: deadline,
                cancellationToken: cancellationToken
            );
            _health.Succeeded();
            if ((proposals.ColumnProblem() ?? IndexProblem(request, proposals)) is { } problem)
            {
                throw new RpcException(
                    new Status(StatusCode.Internal, $"retrieval answered inconsistent columns: {problem}")
                );
            }

            return CandidateAnswer.Of(new RetrievedCandidates(proposals));
        }
        catch (RpcException e)
            when (allowRedirect && ServedInstead(e, request.BundleVersion, cancellationToken) is { } served)
        {
            return CandidateAnswer.Redirect(served);
        }
        catch (RpcException e) when (DependencyFailed(e, deadline, call.CallerDeadline, time, cancellationToken))
        {
            _health.Failed(e.StatusCode);
            metrics.RecordDegraded("retrieval", e.StatusCode);
            return CandidateAnswer.Failed($"retrieval unavailable ({e.StatusCode}): most popular items");
        }
    }

    /// <summary>
    /// Null when an answer to a request by index is one (item indexes of the version asked for); otherwise what is
    /// wrong.
    /// </summary>
    private static string? IndexProblem(GetCandidatesRequest request, GetCandidatesResponse answer) =>
        request.AnswerForm != ItemForm.Indexes ? null
        : answer.BundleVersion != request.BundleVersion
            ? $"asked for indexes of version {request.BundleVersion}, answered with version {answer.BundleVersion}"
        : answer.CandidateCount > 0 && answer.Candidates.RefsCase != ItemRefs.RefsOneofCase.Indexes
            ? "asked for item indexes, answered with item ids"
        : null;
}
