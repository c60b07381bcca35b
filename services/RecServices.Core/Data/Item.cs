namespace RecServices.Core.Data;

/// <summary>A catalog entry.</summary>
/// <param name="Id">The dataset's own id, as a string.</param>
/// <param name="Title">Display title.</param>
/// <param name="Year">Release year, when known.</param>
/// <param name="Categories">Indices into <see cref="Dataset.Categories"/>, ascending, no duplicates.</param>
public sealed record Item(string Id, string Title, int? Year, int[] Categories);
