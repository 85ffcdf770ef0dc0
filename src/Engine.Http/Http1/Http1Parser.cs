using System.Diagnostics;

namespace Engine.Http.Http1;

/// <summary>
/// HTTP/1.1 head parser (RFC 9112) over the contiguous bytes of one head. Strict by design: every
/// leniency that lets two parsers frame one byte stream differently (bare LF, obs-fold, whitespace
/// before the colon, ambiguous Content-Length or Transfer-Encoding) is a rejection, never a guess.
/// </summary>
/// <remarks>
/// <para>Contract for both entry points: <c>input</c> starts at the first byte of the start line
/// and holds every byte received so far for this head; the next call passes the same prefix plus
/// new bytes. Parsing resumes at <c>ParsedOffset</c>, the first line not yet validated, so a head
/// arriving in many reads is validated once per line.</para>
/// <para>Returns false when more bytes are needed (every complete line is validated and stored),
/// true when the head is complete (<c>HeadLength</c> counts the final CRLF CRLF). Invalid input
/// throws <see cref="HttpParseException"/> and nothing else. Success allocates nothing.</para>
/// <para>Limits are checked against what the input could still become: once the input reaches
/// <see cref="HttpParserLimits.MaxHeadSize"/> bytes without a complete head the head cannot fit,
/// so the parser refuses at once instead of waiting for the end of the line.</para>
/// </remarks>
public static partial class Http1Parser
{
    public static bool TryParseRequest(ReadOnlySpan<byte> input, HttpRequestHead head, HttpParserLimits limits)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(limits);
        if (head.HeadLength != 0)
        {
            return true;
        }
        int pos = head.ParsedOffset;
        CheckResumePoint(pos, input.Length);
        ReadOnlySpan<byte> window = input.Length > limits.MaxHeadSize ? input.Slice(0, limits.MaxHeadSize) : input;

        if (pos == 0)
        {
            int lineEnd = FindStartLineEnd(window, input.Length, limits);
            if (lineEnd < 0)
            {
                return false;
            }
            ParseRequestLine(window.Slice(0, lineEnd), head);
            pos = lineEnd + 2;
            head.ParsedOffset = pos;
        }

        int headLength = ParseFieldLines(window, input.Length, pos, head, limits);
        if (headLength < 0)
        {
            return false;
        }
        CompleteRequest(window.Slice(0, headLength), head);
        head.ParsedOffset = headLength;
        head.HeadLength = headLength;
        return true;
    }

    public static bool TryParseResponse(ReadOnlySpan<byte> input, HttpResponseHead head, HttpMethod requestMethod, HttpParserLimits limits)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(limits);
        if (head.HeadLength != 0)
        {
            return true;
        }
        int pos = head.ParsedOffset;
        CheckResumePoint(pos, input.Length);
        ReadOnlySpan<byte> window = input.Length > limits.MaxHeadSize ? input.Slice(0, limits.MaxHeadSize) : input;

        if (pos == 0)
        {
            int lineEnd = FindStartLineEnd(window, input.Length, limits);
            if (lineEnd < 0)
            {
                return false;
            }
            ParseStatusLine(window.Slice(0, lineEnd), head);
            pos = lineEnd + 2;
            head.ParsedOffset = pos;
        }

        int headLength = ParseFieldLines(window, input.Length, pos, head, limits);
        if (headLength < 0)
        {
            return false;
        }
        CompleteResponse(window.Slice(0, headLength), head, requestMethod);
        head.ParsedOffset = headLength;
        head.HeadLength = headLength;
        return true;
    }

    /// <summary>
    /// Parses field lines from <paramref name="pos"/> into the head's store, for requests and
    /// responses alike. Returns the head's length once the empty line is in, or -1 for "need
    /// more bytes" with <see cref="HttpHead.ParsedOffset"/> at the first unparsed line.
    /// </summary>
    private static int ParseFieldLines(ReadOnlySpan<byte> window, int inputLength, int pos, HttpHead head, HttpParserLimits limits)
    {
        int maxHeaders = Math.Min(limits.MaxHeaderCount, head.MaxHeaders);
        while (true)
        {
            RejectFoldedLine(window, pos);
            int lineEnd = FindFieldLineEnd(window, pos, inputLength, limits);
            if (lineEnd < 0)
            {
                head.ParsedOffset = pos;
                return -1;
            }
            if (lineEnd == pos)
            {
                return pos + 2;
            }
            if (head.HeaderCount >= maxHeaders)
            {
                HttpParseException.Throw(RequestRejectionReason.TooManyHeaders, pos);
            }
            ref HeaderEntry entry = ref head.AddHeader();
            ParseHeaderLine(window, pos, lineEnd, ref entry);
            if (entry.Known == KnownHeader.ContentLength)
            {
                // Checked per line so a bad or conflicting length is refused as soon as its line
                // is in; the head carries the value seen so far between calls.
                head.ContentLength = CheckContentLength(window, in entry, head.ContentLength);
            }
            pos = lineEnd + 2;
        }
    }

    /// <summary>
    /// The CR of the start line's CRLF, or -1 when more bytes are needed. The line may take at
    /// most <see cref="HttpParserLimits.MaxRequestLineSize"/> bytes with its CRLF: once that many
    /// bytes arrived without a line end the line is too long, whatever follows.
    /// </summary>
    private static int FindStartLineEnd(ReadOnlySpan<byte> window, int inputLength, HttpParserLimits limits)
    {
        int maxLine = limits.MaxRequestLineSize;
        ReadOnlySpan<byte> lineWindow = window.Length > maxLine ? window.Slice(0, maxLine) : window;
        int lineEnd = FieldLine.FindLineEnd(lineWindow, 0, out RequestRejectionReason error, out int errorOffset);
        if (lineEnd >= 0)
        {
            return lineEnd;
        }
        if (error != RequestRejectionReason.None)
        {
            HttpParseException.Throw(error, errorOffset);
        }
        if (inputLength >= maxLine)
        {
            HttpParseException.Throw(RequestRejectionReason.RequestLineTooLong, maxLine);
        }
        if (inputLength >= limits.MaxHeadSize)
        {
            HttpParseException.Throw(RequestRejectionReason.HeadersTooLarge, limits.MaxHeadSize);
        }
        return -1;
    }

    private static int FindFieldLineEnd(ReadOnlySpan<byte> window, int pos, int inputLength, HttpParserLimits limits)
    {
        int lineEnd = FieldLine.FindLineEnd(window, pos, out RequestRejectionReason error, out int errorOffset);
        if (lineEnd >= 0)
        {
            return lineEnd;
        }
        if (error != RequestRejectionReason.None)
        {
            HttpParseException.Throw(error, errorOffset);
        }
        if (inputLength >= limits.MaxHeadSize)
        {
            HttpParseException.Throw(RequestRejectionReason.HeadersTooLarge, limits.MaxHeadSize);
        }
        return -1;
    }

    /// <summary>
    /// A field line that starts with SP or HTAB is obs-fold (or junk after the start line) whatever
    /// follows, so it is refused on its first byte, before its line end arrives. The check comes
    /// before the line-end search in every call, so one-shot and byte-by-byte parsing agree.
    /// </summary>
    private static void RejectFoldedLine(ReadOnlySpan<byte> window, int pos)
    {
        if ((uint)pos < (uint)window.Length && HttpCharacters.IsWhitespace(window[pos]))
        {
            HttpParseException.Throw(RequestRejectionReason.ObsoleteLineFolding, pos);
        }
    }

    private static long CheckContentLength(ReadOnlySpan<byte> window, in HeaderEntry entry, long seen)
    {
        long length = ParseContentLength(window.Slice(entry.ValueStart, entry.ValueLength), entry.ValueStart);
        if (seen >= 0 && seen != length)
        {
            HttpParseException.Throw(RequestRejectionReason.DuplicateContentLength, entry.ValueStart);
        }
        return length;
    }

    /// <summary>Validates the field line [start, lineEnd) and records it in <paramref name="entry"/>.</summary>
    private static void ParseHeaderLine(ReadOnlySpan<byte> window, int start, int lineEnd, ref HeaderEntry entry)
    {
        ReadOnlySpan<byte> line = window.Slice(start, lineEnd - start);
        RequestRejectionReason error = FieldLine.Parse(line, out int nameLength, out int valueStart, out int valueLength, out int errorIndex);
        if (error != RequestRejectionReason.None)
        {
            HttpParseException.Throw(error, start + errorIndex);
        }
        entry.NameStart = start;
        entry.NameLength = nameLength;
        entry.ValueStart = start + valueStart;
        entry.ValueLength = valueLength;
        ReadOnlySpan<byte> name = line.Slice(0, nameLength);
        entry.Known = KnownTokens.Header(name);
        entry.Hop = false;
        if (entry.Known == KnownHeader.Other && KnownTokens.IsFramingLookalike(name))
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidHeaderName, start);
        }
    }

    private static void CheckResumePoint(int parsedOffset, int inputLength)
    {
        Debug.Assert((uint)parsedOffset <= (uint)inputLength, "The caller must pass at least the bytes it passed before.");
        if ((uint)parsedOffset > (uint)inputLength)
        {
            // A caller bug, not peer input: the input shrank below what was already validated.
            throw new ArgumentOutOfRangeException(nameof(inputLength), "The input is shorter than the head's ParsedOffset.");
        }
    }
}
