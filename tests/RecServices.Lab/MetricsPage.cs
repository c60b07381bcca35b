using System.Globalization;
using System.Text.RegularExpressions;

namespace RecServices.Lab;

/// <summary>
/// One read of a service's Prometheus endpoint (its /metrics, text exposition format): each sample's name, labels and
/// value, summed the ways the drills and the cost model read them.
/// </summary>
public sealed partial class MetricsPage
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    private MetricsPage(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny(['{', ' ']);
            var labelsEnd = line[nameEnd] == '{' ? line.IndexOf('}', nameEnd) : nameEnd - 1;
            var value = line[(labelsEnd + 2)..].Split(' ')[0];
            if (nameEnd > 0 && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                var labels = Label()
                    .Matches(line[nameEnd..(labelsEnd + 1)])
                    .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);
                _samples.Add((line[..nameEnd], labels, number));
            }
        }
    }

    public static async Task<MetricsPage> ReadAsync(string address, CancellationToken cancellationToken) =>
        new(await Http.GetStringAsync(new Uri(address), cancellationToken));

    /// <summary>
    /// The sum of <paramref name="name"/>'s samples (over all its label sets, or those with
    /// <paramref name="label"/> = <paramref name="value"/>).
    /// </summary>
    public double Sum(string name, string? label = null, string? value = null) =>
        _samples
            .Where(s => s.Name == name && (label is null || s.Labels.GetValueOrDefault(label) == value))
            .Sum(s => s.Value);

    /// <summary>
    /// <paramref name="name"/>'s samples summed by the value of <paramref name="label"/> (samples without it left
    /// out).
    /// </summary>
    public IReadOnlyDictionary<string, double> SumBy(string name, string label) =>
        _samples
            .Where(s => s.Name == name && s.Labels.ContainsKey(label))
            .GroupBy(s => s.Labels[label], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
