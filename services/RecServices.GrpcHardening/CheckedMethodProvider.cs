using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;

namespace RecServices.GrpcHardening;

/// <summary>
/// Binds a generated gRPC service's methods as grpc-dotnet's own provider does (the generated <c>BindService</c>, the
/// type's and method's attributes as endpoint metadata), but with each request marshaller wrapped so that bytes that do
/// not parse as the request message answer INTERNAL, saying so, instead of UNKNOWN ("Exception was thrown by handler")
/// and an error log with a stack trace per request. Registered for every service of the host, health and reflection
/// included.
/// </summary>
internal sealed class CheckedMethodProvider<TService>(UnparseableRequests unparseable)
    : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var attribute = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true);
        if (attribute is null)
        {
            return; // not a generated service
        }

        var bind =
            attribute
                .BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .SingleOrDefault(m =>
                    m.Name == attribute.BindMethodName
                    && m.GetParameters() is [var binder, _]
                    && binder.ParameterType == typeof(ServiceBinderBase)
                )
            ?? throw new InvalidOperationException(
                $"{attribute.BindType} has no {attribute.BindMethodName}(ServiceBinderBase, service) to "
                    + $"bind {typeof(TService)} with"
            );
        bind.Invoke(null, [new Binder(context, unparseable), null]);
    }

    /// <summary>
    /// Receives the generated methods and adds them to the endpoint model with checked request parsing.
    /// </summary>
    private sealed class Binder(ServiceMethodProviderContext<TService> context, UnparseableRequests unparseable)
        : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(
            Method<TRequest, TResponse> method,
            UnaryServerMethod<TRequest, TResponse>? handler
        )
        {
            var (checkedMethod, metadata, info) = Prepare(method, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(
                checkedMethod,
                metadata,
                info.CreateDelegate<UnaryServerMethod<TService, TRequest, TResponse>>()
            );
        }

        public override void AddMethod<TRequest, TResponse>(
            Method<TRequest, TResponse> method,
            ServerStreamingServerMethod<TRequest, TResponse>? handler
        )
        {
            var (checkedMethod, metadata, info) = Prepare(
                method,
                typeof(TRequest),
                typeof(IServerStreamWriter<TResponse>),
                typeof(ServerCallContext)
            );
            context.AddServerStreamingMethod(
                checkedMethod,
                metadata,
                info.CreateDelegate<ServerStreamingServerMethod<TService, TRequest, TResponse>>()
            );
        }

        public override void AddMethod<TRequest, TResponse>(
            Method<TRequest, TResponse> method,
            ClientStreamingServerMethod<TRequest, TResponse>? handler
        )
        {
            var (checkedMethod, metadata, info) = Prepare(
                method,
                typeof(IAsyncStreamReader<TRequest>),
                typeof(ServerCallContext)
            );
            context.AddClientStreamingMethod(
                checkedMethod,
                metadata,
                info.CreateDelegate<ClientStreamingServerMethod<TService, TRequest, TResponse>>()
            );
        }

        public override void AddMethod<TRequest, TResponse>(
            Method<TRequest, TResponse> method,
            DuplexStreamingServerMethod<TRequest, TResponse>? handler
        )
        {
            var (checkedMethod, metadata, info) = Prepare(
                method,
                typeof(IAsyncStreamReader<TRequest>),
                typeof(IServerStreamWriter<TResponse>),
                typeof(ServerCallContext)
            );
            context.AddDuplexStreamingMethod(
                checkedMethod,
                metadata,
                info.CreateDelegate<DuplexStreamingServerMethod<TService, TRequest, TResponse>>()
            );
        }

        /// <summary>
        /// The method with its request parsing checked, its endpoint metadata, and the service's implementation of
        /// it.
        /// </summary>
        private (Method<TRequest, TResponse> Method, IList<object> Metadata, MethodInfo Implementation) Prepare<
            TRequest,
            TResponse
        >(Method<TRequest, TResponse> method, params Type[] parameters)
            where TRequest : class
            where TResponse : class
        {
            var implementation =
                typeof(TService).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance, parameters)
                ?? throw new InvalidOperationException(
                    $"{typeof(TService)} has no public "
                        + $"{method.Name}({string.Join(", ", parameters.Select(p => p.Name))}) for "
                        + $"{method.FullName}"
                );
            var requests = method.RequestMarshaller;
            var parse = requests.ContextualDeserializer;
            var checkedRequests = new Marshaller<TRequest>(
                requests.ContextualSerializer,
                context =>
                {
                    try
                    {
                        return parse(context);
                    }
                    catch (Exception e) when (e is not OperationCanceledException and not RpcException)
                    {
                        throw unparseable.Refuse(method.FullName, typeof(TRequest), e);
                    }
                }
            );

            // As grpc-dotnet's own binder: the type's attributes, then the method's (higher priority), and POST only.
            List<object> metadata =
            [
                .. typeof(TService).GetCustomAttributes(inherit: true),
                .. implementation.GetCustomAttributes(inherit: true),
                new HttpMethodMetadata(["POST"], acceptCorsPreflight: true),
            ];
            return (
                new Method<TRequest, TResponse>(
                    method.Type,
                    method.ServiceName,
                    method.Name,
                    checkedRequests,
                    method.ResponseMarshaller
                ),
                metadata,
                implementation
            );
        }
    }
}
