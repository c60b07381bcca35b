# syntax=docker/dockerfile:1
# The recs command (training Job and CronJob) image. Build from the repository root:
#   docker build -f deploy/docker/recs.Dockerfile -t recservices/recs:0.1.0 .
# Multi-stage: the SDK image restores and publishes; the runtime image is Ubuntu chiseled ASP.NET Core (no shell,
# no package manager), runs as the non-root user 1654 and needs nothing writable but /tmp (the manifests mount
# the root file system read-only). Base images are pinned to the SDK and runtime this repository is built and tested
# with; pin them by digest (@sha256:...) in your registry mirror for byte-for-byte rebuilds.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0.401-noble
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0.12-noble-chiseled

FROM ${SDK_IMAGE} AS build
WORKDIR /src
# Restore first, from the project files alone, so that the layer is reused until a dependency changes. recs
# references no host (the lab that starts them is tests/RecServices.Lab), so the image holds none.
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt ./
COPY services/RecServices.Contracts/RecServices.Contracts.csproj services/RecServices.Contracts/
COPY services/RecServices.Core/RecServices.Core.csproj services/RecServices.Core/
COPY services/RecServices.Datasets/RecServices.Datasets.csproj services/RecServices.Datasets/
COPY services/RecServices.Serving/RecServices.Serving.csproj services/RecServices.Serving/
COPY services/RecServices.Training/RecServices.Training.csproj services/RecServices.Training/
COPY services/RecServices.Evaluation/RecServices.Evaluation.csproj services/RecServices.Evaluation/
COPY services/RecServices.Users/RecServices.Users.csproj services/RecServices.Users/
COPY services/RecServices.Cli/RecServices.Cli.csproj services/RecServices.Cli/
RUN dotnet restore services/RecServices.Cli/RecServices.Cli.csproj -r linux-x64
COPY protos/ protos/
COPY services/ services/
RUN dotnet publish services/RecServices.Cli/RecServices.Cli.csproj -c Release -r linux-x64 --self-contained false --no-restore \
      -p:UseAppHost=false -o /app

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app ./
USER 1654:1654
# A command, not a server: no ports. The Job passes: train --data <folder|synthetic> --out /bundles (a bundle root)
ENTRYPOINT ["dotnet", "recs.dll"]
