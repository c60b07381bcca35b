namespace RecServices.Contracts.Common.V1;

/// <summary>What every reader of an <see cref="ItemRefs"/> asks first.</summary>
public sealed partial class ItemRefs
{
    /// <summary>How many items the reference holds, in whichever form (none when neither is set).</summary>
    public int Count =>
        RefsCase switch
        {
            RefsOneofCase.Ids => Ids.Ids.Count,
            RefsOneofCase.Indexes => Indexes.Indexes.Count,
            _ => 0,
        };
}
