namespace RecServices.Core.Data;

/// <summary>What <see cref="RecordedInteractions.AppendTo"/> did with the recorded interactions.</summary>
/// <param name="Added">Rows added to the dataset: one per user and item recorded.</param>
/// <param name="NewUsers">Users that were not in the base dataset.</param>
/// <param name="SkippedUnknownItems">Recorded interactions skipped because their item is not in the base
/// catalog.</param>
/// <param name="UnknownItemIds">Distinct item ids among the skipped ones.</param>
/// <param name="Collapsed">Recorded interactions folded into a newer one of the same user and item.</param>
public sealed record RecordedMerge(int Added, int NewUsers, int SkippedUnknownItems, int UnknownItemIds, int Collapsed);
