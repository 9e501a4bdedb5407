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

    /// <summary>
    /// The bytes with every secret's UTF-8 bytes masked: for bodies that need not be text (any byte maps to
    /// one Latin-1 character and back, so the rest is kept as it was).
    /// </summary>
    public byte[] Redact(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var masked = text;
        foreach (var secret in _secrets)
        {
            masked = masked.Replace(Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(secret)), Mask, StringComparison.Ordinal);
        }
        return masked.Equals(text, StringComparison.Ordinal) ? bytes : Encoding.Latin1.GetBytes(masked);
    }

    // "XBL3.0 x=1001;TOKEN": the token alone is secret too, wherever it shows up.
    private static IEnumerable<string> TokenPart(string value)
    {
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return semicolon > 0 && value.Length - semicolon > 8 ? [value[(semicolon + 1)..]] : [];
    }
}
