using RecServices.Retrieval.Services;
using RecServices.ServiceDefaults;

namespace RecServices.Retrieval;

/// <summary>Builds the retrieval host (the functional tests start it in process with their own arguments).</summary>
public static class RetrievalApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.AddServiceDefaults<RetrievalHostOptions>("recservices-retrieval", Contracts.Retrieval.V1.RetrievalService.Descriptor.FullName);
        builder.Services.AddRetrievalServices(options);
        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcService<RetrievalGrpcService>();
        return app;
    }
}
