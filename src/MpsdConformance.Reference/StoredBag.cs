using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>
/// How a session keeps a property bag (<c>{system, custom}</c>) underneath its <see cref="JsonObject"/> properties,
/// so that 100,000 stored sessions fit in a few hundred megabytes. A stored session is never changed again (writes
/// work on a clone), so as it is stored its bags are frozen to compact UTF-8, which later versions share until a
/// write needs a tree of its own; and every session made from a template shares one frozen tree of its constants.
/// A bag's state is one of:
/// <list type="bullet">
/// <item>a <see cref="JsonObject"/>: this version's own tree, which the version being written may change;</item>
/// <item>a <c>byte[]</c>: the bag frozen to UTF-8 JSON, shared, never written;</item>
/// <item>a <see cref="SharedBag"/>: a frozen tree shared by many sessions, never written.</item>
/// </list>
/// Asking for the bag to write to (the <c>Constants</c>/<c>Properties</c> getters) first gives the version a tree of
/// its own (copy on write); reads that change nothing use <see cref="Read"/> or <see cref="Copy"/>.
/// </summary>
internal static class StoredBag
{
    // As deep as any body the limits let in can nest; ToJsonString's default (64) is too shallow for a bag inside a document.
    private const int MaxDepth = 1024;
    private const int KeptBufferBytes = 64 * 1024;
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = MaxDepth };
    private static readonly JsonWriterOptions WriteOptions = new() { MaxDepth = MaxDepth };
    private static readonly byte[] EmptyUtf8 = """{"system":{},"custom":{}}"""u8.ToArray();
    private static readonly SearchValues<char> LettersAndDigits = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // The last frozen bag this thread read, parsed: one request reads a session's constants several times.
    [ThreadStatic]
    private static (byte[] Utf8, JsonObject Tree)? t_lastRead;

    /// <summary>The empty bag <c>{"system":{},"custom":{}}</c>, frozen: one instance for every bag nobody wrote.</summary>
    public static object Empty => EmptyUtf8;

    /// <summary>The bag as a tree this version owns and may change: a frozen bag is copied into one first.</summary>
    public static JsonObject Writable(ref object state)
    {
        if (state is JsonObject tree)
        {
            return tree;
        }
        var own = Copy(state);
        state = own;
        return own;
    }

    /// <summary>The bag to read, never to change (a frozen tree is shared with other sessions).</summary>
    public static JsonObject Read(object state) => state switch
    {
        JsonObject tree => tree,
        SharedBag shared => shared.Tree,
        _ => Parse((byte[])state),
    };

    /// <summary>
    /// <c>system.NAME</c> of the bag, to read, or null. A frozen bag whose JSON never mentions the name is not parsed:
    /// the writer leaves ASCII letters and digits unescaped, so such a name is in the JSON wherever it is a key.
    /// </summary>
    public static JsonNode? SystemValue(object state, string name)
    {
        if (state is byte[] utf8 && name.Length <= 64 && name.AsSpan().IndexOfAnyExcept(LettersAndDigits) < 0)
        {
            Span<byte> quoted = stackalloc byte[name.Length + 2];
            quoted[0] = quoted[^1] = (byte)'"';
            Encoding.ASCII.GetBytes(name, quoted[1..^1]);
            if (utf8.AsSpan().IndexOf(quoted) < 0)
            {
                return null;
            }
        }
        return Read(state)["system"]?[name];
    }

    /// <summary>
    /// The same, for a bag read several times in one request (constants): a frozen one is parsed once per thread,
    /// built whole, and shared with this thread's next reads of it.
    /// </summary>
    public static JsonObject ReadOften(object state)
    {
        if (state is not byte[] utf8)
        {
            return Read(state);
        }
        if (t_lastRead is { } last && ReferenceEquals(last.Utf8, utf8))
        {
            return last.Tree;
        }
        var parsed = Parse(utf8);
        Build(parsed); // whole, so that a view read on after an await never builds lazily beside this thread
        t_lastRead = (utf8, parsed);
        return parsed;
    }

    /// <summary>A tree of the bag that the caller owns (to put into a document, to change).</summary>
    public static JsonObject Copy(object state) => state switch
    {
        JsonObject tree => (JsonObject)tree.DeepClone(),
        SharedBag shared => Parse(shared.Utf8),
        _ => Parse((byte[])state),
    };

    /// <summary>The state a clone starts with: a frozen bag is shared; a tree is copied, since its version may still change it.</summary>
    public static object ForClone(object state) => state is JsonObject tree ? tree.DeepClone() : state;

    /// <summary>Freezes a tree to UTF-8 (the session is being stored); a frozen bag stays as it is.</summary>
    public static void Freeze(ref object state)
    {
        if (state is JsonObject tree)
        {
            var utf8 = Write(tree);
            state = utf8.SequenceEqual(EmptyUtf8) ? EmptyUtf8 : utf8.ToArray();
        }
    }

    /// <summary>A 128-bit digest of a node's JSON text: equal text, equal digest (SHA-256, truncated).</summary>
    public static UInt128 Digest(JsonNode node)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Write(node), digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }

    /// <summary>Builds a parsed tree whole: a parsed JsonObject or JsonArray fills its children in on first access.</summary>
    internal static void Build(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o)
                {
                    Build(child);
                }
                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Build(child);
                }
                break;
        }
    }

    /// <summary>
    /// A tree over frozen UTF-8, built lazily as it is read (written whole, it is copied token by token). The document
    /// reads the array in place: frozen arrays are never written.
    /// </summary>
    private static JsonObject Parse(byte[] utf8) => JsonObject.Create(JsonDocument.Parse(utf8.AsMemory(), ParseOptions).RootElement)!;

    /// <summary>A frozen copy of a tree's JSON.</summary>
    internal static byte[] Utf8Of(JsonNode node) => Write(node).ToArray();

    /// <summary>The node's compact JSON (as <see cref="JsonNode.ToJsonString"/> writes it), in a per-thread buffer valid until the next call.</summary>
    private static ReadOnlySpan<byte> Write(JsonNode node)
    {
        var buffer = t_buffer;
        if (buffer is null || buffer.Capacity > KeptBufferBytes)
        {
            buffer = t_buffer = new ArrayBufferWriter<byte>(512);
            t_writer = null;
        }
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriteOptions);
        writer.Reset(buffer);
        node.WriteTo(writer);
        writer.Flush();
        return buffer.WrittenSpan;
    }
}

/// <summary>A frozen tree that many sessions share (a template's constants): built whole up front, so concurrent reads never build it lazily.</summary>
internal sealed class SharedBag
{
    public SharedBag(JsonObject tree)
    {
        StoredBag.Build(tree);
        Tree = tree;
        Utf8 = StoredBag.Utf8Of(tree);
    }

    /// <summary>The tree: read it, never change it.</summary>
    public JsonObject Tree { get; }

    /// <summary>Its JSON, to copy it from.</summary>
    public byte[] Utf8 { get; }
}
