using RecServices.Gateway;

await GatewayApp.Build(args).RunAsync();
