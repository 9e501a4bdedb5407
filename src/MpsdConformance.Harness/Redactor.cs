using System.Text;

namespace MpsdConformance.Harness;

/// <summary>Replaces every secret of the profile (raw and base64) before anything is kept.</summary>
public sealed class Redactor
{
    /// <summary>What a secret becomes.</summary>
    public const string Mask = "***";

    private readonly string[] _secrets;

    /// <summary>Creates a redactor for these secrets.</summary>
    public Redactor(IEnumerable<string> secrets)
    {
        _secrets = secrets
            .Where(s => s.Length >= 4)
            .SelectMany(s => new[] { s, Convert.ToBase64String(Encoding.UTF8.GetBytes(s)) }.Concat(TokenPart(s)))
            .Distinct()
            .OrderByDescending(s => s.Length)
            .ToArray();
    }

    /// <summary>The text with every secret masked.</summary>
    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }
        return text;
    }

    // "XBL3.0 x=1001;TOKEN": the token alone is secret too, wherever it shows up.
    private static IEnumerable<string> TokenPart(string value)
    {
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return semicolon > 0 && value.Length - semicolon > 8 ? [value[(semicolon + 1)..]] : [];
    }
}
