using System.ComponentModel.DataAnnotations;

namespace RecServices.Gateway;

/// <summary>
/// An address the gateway can call: http://host:port, https://host:port (with Recs:BackendTls) or dns:///host:port.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ServiceAddressAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string text || text.Length == 0)
        {
            return ValidationResult.Success; // [Required] reports a missing address
        }

        var valid =
            Uri.TryCreate(text, UriKind.Absolute, out var uri)
            && (
                uri.Scheme == Uri.UriSchemeHttp
                || uri.Scheme == Uri.UriSchemeHttps
                || (
                    uri.Scheme == ServiceDefaults.Telemetry.ServerEndpoint.DnsScheme
                    && uri.AbsolutePath.Trim('/').Length > 0
                )
            );
        return valid
            ? ValidationResult.Success
            : new ValidationResult(
                $"Recs:{validationContext.MemberName} '{text}' must be http://host:port, "
                    + $"https://host:port or dns:///host:port"
            );
    }
}
