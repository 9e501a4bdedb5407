using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace MpsdConformance.Contract;

/// <summary>
/// Reads RFC 8259 JSON (no comments, no trailing commas, no duplicate keys, no lone surrogate escapes, one value)
/// into a System.Text.Json document. The document parser refuses all of it but lone surrogate escapes; a strict
/// reader pass looks for those (only in text holding an escape) and words every refusal.
/// Numbers are kept as written: the validator compares them as JSON Schema says (3.0 is an integer, 1e400 is
/// a number above every maximum the schemas name).
/// </summary>
internal static class StrictJson
{
    public const int MaxDepth = 256;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = MaxDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    public static bool TryParse(string json, out Payload? payload, out string? problem)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, Encoding.UTF8.GetMaxByteCount(json.Length)));
        var keep = false;
        var length = Encoding.UTF8.GetBytes(json, bytes);
        var utf8 = bytes.AsMemory(0, length);
        try
        {
            // One pass for the usual case: the document parser refuses everything but a lone surrogate escape,
            // which only text holding "\u" can carry.
            var document = JsonDocument.Parse(utf8, DocumentOptions);
            if (utf8.Span.IndexOf("\\u"u8) >= 0 && !Check(utf8.Span, out problem))
            {
                document.Dispose();
                payload = null;
                return false;
            }
            payload = new Payload(document, bytes);
            keep = true;
            problem = null;
            return true;
        }
        catch (JsonException e)
        {
            // The strict reader says why in its own words (the duplicate key and its byte); the parser's as a fallback.
            problem = Check(utf8.Span, out var exact) ? Describe(e) : exact;
            payload = null;
            return false;
        }
        finally
        {
            if (!keep)
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    /// <summary>True when the text is strict JSON; otherwise <paramref name="problem"/> says why it is not.</summary>
    public static bool Check(ReadOnlySpan<byte> utf8, out string? problem)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        // The keys of every open object, innermost last; sets are made only for objects with several keys.
        var open = new List<KeySet>();
        try
        {
            if (!reader.Read())
            {
                problem = "not JSON: no value";
                return false;
            }
            do
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        open.Add(new KeySet());
                        break;
                    case JsonTokenType.EndObject:
                        open.RemoveAt(open.Count - 1);
                        break;
                    case JsonTokenType.StartArray:
                        open.Add(default);
                        break;
                    case JsonTokenType.EndArray:
                        open.RemoveAt(open.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!CollectionsMarshal.AsSpan(open)[^1].Add(name))
                        {
                            problem = $"not JSON: duplicate key \"{name}\" (at byte {reader.TokenStartIndex.ToString(CultureInfo.InvariantCulture)})";
                            return false;
                        }
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        _ = reader.GetString(); // throws for "\uD800" alone: grammatical, but no Unicode text can hold it
                        break;
                }
            }
            while (open.Count > 0 && reader.Read());
            if (reader.Read())
            {
                problem = "not JSON: more than one top-level value";
                return false;
            }
            problem = null;
            return true;
        }
        catch (JsonException e)
        {
            problem = Describe(e);
            return false;
        }
        catch (InvalidOperationException)
        {
            problem = "not JSON: a string holds an unpaired UTF-16 surrogate escape";
            return false;
        }
    }

    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        message = cut > 0 ? message[..cut] : message;
        // System.Text.Json counts lines and columns from 0; people count from 1.
        return e.LineNumber is { } line
            ? $"not JSON (line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}): {message}"
            : $"not JSON: {message}";
    }

    /// <summary>The keys seen so far in one object: a short list first, a hash set past eight keys.</summary>
    private struct KeySet
    {
        private List<string>? _few;
        private HashSet<string>? _many;

        public bool Add(string name)
        {
            if (_many is not null)
            {
                return _many.Add(name);
            }
            _few ??= new List<string>(4);
            foreach (var seen in _few)
            {
                if (string.Equals(seen, name, StringComparison.Ordinal))
                {
                    return false;
                }
            }
            _few.Add(name);
            if (_few.Count > 8)
            {
                _many = new HashSet<string>(_few, StringComparer.Ordinal);
                _few = null;
            }
            return true;
        }
    }

    /// <summary>A parsed payload: the document and the pooled bytes it reads from, both released on dispose.</summary>
    internal sealed class Payload(JsonDocument document, byte[] rented) : IDisposable
    {
        private byte[]? _rented = rented;

        public JsonElement Root => document.RootElement;

        public void Dispose()
        {
            document.Dispose();
            if (_rented is { } bytes)
            {
                _rented = null;
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }
}
