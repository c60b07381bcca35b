namespace RecServices.Lab.Profile;

/// <summary>One frame of a sampled stack: the module it ran in and, where symbols resolve, its method.</summary>
/// <param name="Module">The module, e.g. <c>vmlinux</c>, <c>libc.so.6</c>, <c>libcoreclr.so</c>,
/// <c>System.Private.CoreLib</c>.</param>
/// <param name="Method">The full method name (<c>Namespace.Type::Method(...)</c>), or empty when unresolved.</param>
public readonly record struct Frame(string Module, string Method)
{
    public bool IsKernel => Module == "vmlinux";

    public bool IsManaged => Method.Contains("::", StringComparison.Ordinal);

    public override string ToString() => IsManaged ? Method : $"{Module}!{(Method.Length == 0 ? "?" : Method)}";
}
