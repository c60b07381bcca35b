namespace RecServices.Core.Data;

/// <summary>What <see cref="RecordedInteractions.AppendTo"/> did with the recorded interactions.</summary>
/// <param name="Added">Recorded interactions added to the dataset.</param>
/// <param name="NewUsers">Users that were not in the base dataset.</param>
/// <param name="SkippedUnknownItems">Recorded interactions skipped because their item is not in the base
/// catalog.</param>
/// <param name="UnknownItemIds">Distinct item ids among the skipped ones.</param>
public sealed record RecordedMerge(int Added, int NewUsers, int SkippedUnknownItems, int UnknownItemIds);
