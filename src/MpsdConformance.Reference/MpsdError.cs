namespace MpsdConformance.Reference;

/// <summary>A refusal with its status code, its text/plain message, and optionally the session to send back.</summary>
internal sealed class MpsdError(int status, string message, Session? session = null) : Exception(message)
{
    public int Status { get; } = status;

    public Session? Session { get; } = session;
}
