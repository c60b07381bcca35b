# syntax=docker/dockerfile:1
# The ranking service image. Build from the repository root:
#   docker build -f deploy/docker/ranking.Dockerfile -t recservices/ranking:0.1.0 .
# Multi-stage: the SDK image restores and publishes; the runtime image is Ubuntu chiseled ASP.NET Core (no shell,
# no package manager), runs as the non-root user 1654 and needs nothing writable but /tmp (the manifests mount
# the root file system read-only). Base images are pinned to the SDK and runtime this repository is built and tested
# with; pin them by digest (@sha256:...) in your registry mirror for byte-for-byte rebuilds.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0.401-noble
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0.12-noble-chiseled

FROM ${SDK_IMAGE} AS build
WORKDIR /src
# Restore first, from the project files alone, so that the layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt ./
COPY services/RecServices.Hosts.props services/
COPY services/RecServices.Contracts/RecServices.Contracts.csproj services/RecServices.Contracts/
COPY services/RecServices.Core/RecServices.Core.csproj services/RecServices.Core/
COPY services/RecServices.Serving/RecServices.Serving.csproj services/RecServices.Serving/
COPY services/RecServices.ServiceDefaults/RecServices.ServiceDefaults.csproj services/RecServices.ServiceDefaults/
COPY services/RecServices.BundleServing/RecServices.BundleServing.csproj services/RecServices.BundleServing/
COPY services/RecServices.GrpcHardening/RecServices.GrpcHardening.csproj services/RecServices.GrpcHardening/
COPY services/RecServices.Users/RecServices.Users.csproj services/RecServices.Users/
COPY services/RecServices.Ranking/RecServices.Ranking.csproj services/RecServices.Ranking/
RUN dotnet restore services/RecServices.Ranking/RecServices.Ranking.csproj -r linux-x64
COPY protos/ protos/
COPY services/ services/
RUN dotnet publish services/RecServices.Ranking/RecServices.Ranking.csproj -c Release -r linux-x64 --self-contained false --no-restore \
      -p:UseAppHost=false -o /app

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app ./
USER 1654:1654
# gRPC (HTTP/2 cleartext: Recs__GrpcPort) and health + Prometheus metrics (HTTP/1.1: Recs__HttpPort).
ENV Recs__GrpcPort=5121 Recs__HttpPort=5122 Recs__LogFormat=json
EXPOSE 5121 5122
ENTRYPOINT ["dotnet", "RecServices.Ranking.dll"]
