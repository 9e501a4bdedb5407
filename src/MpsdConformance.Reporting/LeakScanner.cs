using System.Text;

namespace MpsdConformance.Reporting;

/// <summary>After a run, every file it wrote is searched for every secret of the profile (raw and base64).</summary>
public static class LeakScanner
{
    /// <summary>The files (relative to <paramref name="directory"/>) that hold any secret; never the secret itself.</summary>
    public static IReadOnlyList<string> Scan(string directory, IEnumerable<string> secrets)
    {
        var needles = secrets.Where(s => s.Length >= 4)
            .SelectMany(s => new[] { s, Convert.ToBase64String(Encoding.UTF8.GetBytes(s)) }.Concat(TokenPart(s)))
            .Select(Encoding.UTF8.GetBytes)
            .ToList();
        var hits = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            if (needles.Any(n => bytes.AsSpan().IndexOf(n) >= 0))
            {
                hits.Add(Path.GetRelativePath(directory, file));
            }
        }
        return hits;
    }

    private static IEnumerable<string> TokenPart(string value)
    {
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return semicolon > 0 && value.Length - semicolon > 8 ? [value[(semicolon + 1)..]] : [];
    }
}
