namespace Engine.Http.Http1;

/// <summary>
/// Line framing and field-line syntax shared by header sections and chunked trailer sections.
/// Both answer with a reason instead of throwing so each caller picks its own (a bad header line
/// is InvalidHeaderName, the same bytes in a trailer are InvalidTrailer).
/// </summary>
internal static class FieldLine
{
    /// <summary>
    /// Finds the CRLF that ends the line starting at <paramref name="start"/> inside
    /// <paramref name="window"/>. Returns the index of its CR, or -1 when the window holds no
    /// complete line end yet. A LF without CR, or a CR followed by anything but LF, is refused
    /// here: RFC 9112 §2.2 lets a recipient accept them, but a proxy that did so would frame
    /// differently from the next hop (request smuggling), so this parser never does.
    /// </summary>
    public static int FindLineEnd(ReadOnlySpan<byte> window, int start, out RequestRejectionReason error, out int errorOffset)
    {
        error = RequestRejectionReason.None;
        errorOffset = 0;
        int i = window.Slice(start).IndexOfAny((byte)'\r', (byte)'\n');
        if (i < 0)
        {
            return -1;
        }
        i += start;
        if (window[i] == '\n')
        {
            error = RequestRejectionReason.BareLineFeed;
            errorOffset = i;
            return -1;
        }
        int next = i + 1;
        if ((uint)next >= (uint)window.Length)
        {
            return -1;
        }
        if (window[next] != '\n')
        {
            error = RequestRejectionReason.BareCarriageReturn;
            errorOffset = i;
            return -1;
        }
        return i;
    }

    /// <summary>
    /// Validates one field line (without its CRLF) and locates its parts (RFC 9112 §5):
    /// <code>
    ///   field-line = field-name ":" OWS field-value OWS
    /// </code>
    /// Returns <see cref="RequestRejectionReason.None"/> on success with the value trimmed of OWS.
    /// <paramref name="errorIndex"/> is relative to the line.
    /// </summary>
    public static RequestRejectionReason Parse(ReadOnlySpan<byte> line, out int nameLength, out int valueStart, out int valueLength, out int errorIndex)
    {
        nameLength = valueStart = valueLength = errorIndex = 0;

        // RFC 9112 §5.2: obs-fold is refused; a server MUST either reject it or replace it, and
        // replacing it would make this hop read a different field than the next one.
        if (HttpCharacters.IsWhitespace(line[0]))
        {
            return RequestRejectionReason.ObsoleteLineFolding;
        }

        int colon = line.IndexOfAnyExcept(HttpCharacters.Token);
        if (colon <= 0)
        {
            // No colon at all, or an empty name.
            errorIndex = Math.Max(colon, 0);
            return RequestRejectionReason.InvalidHeaderName;
        }
        if (line[colon] != ':')
        {
            errorIndex = colon;
            // RFC 9112 §5.1: "No whitespace is allowed between the field name and colon. ... A server
            // MUST reject ... with a response status code of 400."
            int afterSpace = colon;
            while ((uint)afterSpace < (uint)line.Length && HttpCharacters.IsWhitespace(line[afterSpace]))
            {
                afterSpace++;
            }
            return (uint)afterSpace < (uint)line.Length && line[afterSpace] == ':' && afterSpace != colon
                ? RequestRejectionReason.WhitespaceBeforeColon
                : RequestRejectionReason.InvalidHeaderName;
        }

        nameLength = colon;
        int start = colon + 1;
        int bad = line.Slice(start).IndexOfAny(HttpCharacters.NotFieldValue);
        if (bad >= 0)
        {
            // CR and LF never reach here (the line ends at the first of them), so this is NUL,
            // another control, or DEL.
            errorIndex = start + bad;
            return RequestRejectionReason.InvalidHeaderValue;
        }

        // OWS runs are short (usually one SP), so plain loops beat vector calls here.
        int first = start;
        while (first < line.Length && HttpCharacters.IsWhitespace(line[first]))
        {
            first++;
        }
        int end = line.Length;
        while (end > first && HttpCharacters.IsWhitespace(line[end - 1]))
        {
            end--;
        }
        valueStart = first;
        valueLength = end - first;
        return RequestRejectionReason.None;
    }
}
