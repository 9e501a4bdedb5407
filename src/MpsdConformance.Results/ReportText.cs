using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MpsdConformance.Results;

/// <summary>
/// Text a target sent (status reasons, headers, bodies, exception messages, and everything built from them) made
/// safe for the format it goes into: one sanitizer per format, used by every report writer. A target may answer
/// with any bytes; no report may then fail to write, fail to parse, or drive the reader's terminal.
/// </summary>
public static class ReportText
{
    /// <summary>
    /// Plain text (run.log, Allure attachments, the console): keeps line feeds and tabs, and a carriage return
    /// before a line feed; every other C0 control, DEL, every C1 control (0x9B starts an ANSI sequence too), the
    /// bidirectional overrides, a lone surrogate and the noncharacters U+FFFE/U+FFFF become a visible <c>\uXXXX</c>.
    /// What is left is also valid XML 1.0 character data.
    /// </summary>
    public static string Plain(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }
        var first = FirstUnsafe(text);
        if (first < 0)
        {
            return text;
        }
        var safe = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                safe.Append(c).Append(text[++i]);
            }
            else if (IsUnsafe(text, i))
            {
                safe.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                safe.Append(c);
            }
        }
        return safe.ToString();
    }

    /// <summary>XML 1.0 character data or attribute value (junit.xml): <see cref="Plain"/>; the writer escapes markup.</summary>
    public static string Xml(string? text) => Plain(text);

    /// <summary>HTML text or a quoted attribute value (compliance.html): <see cref="Plain"/>, then every markup character escaped.</summary>
    public static string Html(string? text) => WebUtility.HtmlEncode(Plain(text));

    /// <summary>
    /// A faithful record (scenario-results.json): only what JSON cannot carry as text is replaced, a lone surrogate,
    /// by a visible <c>\uXXXX</c>; controls stay (the JSON writer escapes them).
    /// </summary>
    public static string WellFormed(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(char.IsSurrogate))
        {
            return text ?? "";
        }
        var safe = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                safe.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                safe.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                safe.Append(c);
            }
        }
        return safe.ToString();
    }

    /// <summary>A JSON converter writing every string through <see cref="Plain"/> (report JSON: verdicts.json, Allure results).</summary>
    public static JsonConverter<string> PlainStrings { get; } = new StringConverter(Plain);

    /// <summary>A JSON converter writing every string through <see cref="WellFormed"/> (the results record).</summary>
    public static JsonConverter<string> WellFormedStrings { get; } = new StringConverter(WellFormed);

    private static int FirstUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (IsUnsafe(text, i))
            {
                return i;
            }
        }
        return -1;
    }

    // Called for a char that is not the start of a valid surrogate pair.
    private static bool IsUnsafe(string text, int i)
    {
        var c = text[i];
        return c switch
        {
            '\n' or '\t' => false,
            '\r' => i + 1 >= text.Length || text[i + 1] != '\n',
            < ' ' => true,
            >= '\u007f' and <= '\u009f' => true,
            >= '\u202a' and <= '\u202e' => true,
            >= '\u2066' and <= '\u2069' => true,
            '\ufffe' or '\uffff' => true,
            _ => char.IsSurrogate(c),
        };
    }

    private sealed class StringConverter(Func<string?, string> clean) : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(clean(value));

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString()!;

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(clean(value));
    }
}
