using System.Text;

namespace MpsdConformance.Contract;

/// <summary>
/// Turns raw bytes into the text of a JSON payload, or says plainly why it is not one
/// (empty, too large, binary, not UTF-8). Never throws for bad input.
/// </summary>
public static class PayloadText
{
    /// <summary>Largest payload read: 10 MB.</summary>
    public const long MaxBytes = 10L * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="bytes"/>; on failure <paramref name="problem"/> says why.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string text, out string? problem)
    {
        text = "";
        if (bytes.Length == 0)
        {
            problem = "empty file: a payload is at least {}";
            return false;
        }
        if (bytes.Length > MaxBytes)
        {
            problem = $"too large: {bytes.Length} bytes, the limit is {MaxBytes} bytes (10 MB)";
            return false;
        }
        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            problem = $"binary data, not JSON text (NUL byte at offset {nul})";
            return false;
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            problem = $"not UTF-8 text (invalid byte sequence at offset {e.Index})";
            return false;
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "empty file: only white space";
            return false;
        }
        problem = null;
        return true;
    }

    /// <summary>Reads a file with the same checks; a file too large is refused before it is read.</summary>
    public static bool TryRead(string path, out string text, out string? problem)
    {
        text = "";
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                problem = "no such file";
                return false;
            }
            if (info.Length > MaxBytes)
            {
                problem = $"too large: {info.Length} bytes, the limit is {MaxBytes} bytes (10 MB)";
                return false;
            }
            return TryDecode(File.ReadAllBytes(path), out text, out problem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot read: {e.Message}";
            return false;
        }
    }
}
