using System.Globalization;
using System.Text;

namespace EdgeModule.Journal.Host.Bench;

/// <summary>The summary table (measure, value, same-run baseline, ratio, target) and each measure's details.</summary>
internal sealed class Report
{
    private readonly List<string> _rows = [];
    private readonly StringBuilder _details = new();

    public void Row(string measure, string value, string baseline, string ratio, string target)
    {
        var row = $"| {measure} | {value} | {baseline} | {ratio} | {target} |";
        _rows.Add(row);
        Console.WriteLine(row);
    }

    public void Section(string title, IEnumerable<string> lines)
    {
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"### {title}").AppendLine();
        foreach (var line in lines)
        {
            text.AppendLine(line);
        }

        text.AppendLine();
        _details.Append(text);
        Console.Write(text);
    }

    public string ToMarkdown(string header) =>
        new StringBuilder().AppendLine(header).AppendLine()
            .AppendLine("| Measure | Value | Same-run baseline | Ratio | Target |").AppendLine("|---|---:|---:|---:|---|")
            .AppendJoin('\n', _rows).AppendLine().AppendLine().Append(_details).ToString();

    public static string Bytes(double bytes) => bytes switch
    {
        >= 1 << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 30):F2} GiB"),
        >= 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 20):F1} MiB"),
        >= 1 << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 10):F1} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:F0} B"),
    };

    public static string F(double value, int digits = 2) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
