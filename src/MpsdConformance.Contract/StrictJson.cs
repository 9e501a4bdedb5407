using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Newtonsoft.Json.Linq;

namespace MpsdConformance.Contract;

/// <summary>
/// Reads RFC 8259 JSON (no comments, no trailing commas, no duplicate keys) in one pass with
/// System.Text.Json's reader and builds the Newtonsoft tree NJsonSchema validates. Numbers follow JSON
/// Schema: 3.0 is an integer; integers up to 2^64-1 stay integers.
/// </summary>
internal static class StrictJson
{
    public const int MaxDepth = 256;

    public static bool TryParse(string json, out JToken? token, out string? problem)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, bytes);
            var reader = new Utf8JsonReader(bytes.AsSpan(0, length), new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read())
            {
                problem = "not JSON: no value";
                token = null;
                return false;
            }
            token = ReadValue(ref reader);
            if (reader.Read())
            {
                throw new DuplicateKeyException("more than one top-level value");
            }
            problem = null;
            return true;
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            message = cut > 0 ? message[..cut] : message;
            // System.Text.Json counts lines and columns from 0; people count from 1.
            problem = e.LineNumber is { } line
                ? $"not JSON (line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}): {message}"
                : $"not JSON: {message}";
        }
        catch (DuplicateKeyException e)
        {
            problem = $"not JSON: {e.Message}";
        }
        catch (InvalidOperationException)
        {
            // e.g. "\uD800" alone: grammatical, but no Unicode text can hold it.
            problem = "not JSON: a string holds an unpaired UTF-16 surrogate escape";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
        token = null;
        return false;
    }

    private static JToken ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JObject();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    if (obj.ContainsKey(name))
                    {
                        throw new DuplicateKeyException($"duplicate key \"{name}\" (at byte {reader.TokenStartIndex.ToString(CultureInfo.InvariantCulture)})");
                    }
                    reader.Read();
                    obj.Add(name, ReadValue(ref reader));
                }
                return obj;
            case JsonTokenType.StartArray:
                var array = new JArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(ReadValue(ref reader));
                }
                return array;
            case JsonTokenType.String:
                return new JValue(reader.GetString());
            case JsonTokenType.Number:
                return Number(ref reader);
            case JsonTokenType.True:
                return new JValue(true);
            case JsonTokenType.False:
                return new JValue(false);
            default:
                return JValue.CreateNull();
        }
    }

    private static JValue Number(ref Utf8JsonReader reader)
    {
        if (reader.TryGetInt64(out var l))
        {
            return new JValue(l);
        }
        if (reader.TryGetUInt64(out var u))
        {
            return new JValue(u);
        }
        var d = reader.GetDouble();
        return Math.Floor(d) == d && Math.Abs(d) < 9.2e18 ? new JValue((long)d) : new JValue(d);
    }

    private sealed class DuplicateKeyException(string message) : Exception(message);
}
