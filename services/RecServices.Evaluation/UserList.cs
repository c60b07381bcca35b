namespace RecServices.Evaluation;

/// <summary>One evaluated user's served top-k list, with the dataset's own ids.</summary>
public sealed record UserList(string User, IReadOnlyList<string> Items);
