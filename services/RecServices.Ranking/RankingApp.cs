using RecServices.Ranking.Services;
using RecServices.ServiceDefaults;

namespace RecServices.Ranking;

/// <summary>Builds the ranking host (the functional tests start it in process with their own arguments).</summary>
public static class RankingApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.AddServiceDefaults<RecsOptions>("recservices-ranking", Contracts.Ranking.V1.RankingService.Descriptor.FullName);
        builder.Services.AddRankingServices(options);
        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcService<RankingGrpcService>();
        return app;
    }
}
