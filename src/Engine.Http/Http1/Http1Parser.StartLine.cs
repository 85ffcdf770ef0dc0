using System.Buffers.Binary;

namespace Engine.Http.Http1;

public static partial class Http1Parser
{
    private const int VersionLength = 8;

    // "HTTP/1.1" and "HTTP/1.0" read as one little-endian ulong.
    private static readonly ulong Http11Word = BinaryPrimitives.ReadUInt64LittleEndian("HTTP/1.1"u8);
    private static readonly ulong Http10Word = BinaryPrimitives.ReadUInt64LittleEndian("HTTP/1.0"u8);

    /// <summary>
    /// RFC 9112 §3:
    /// <code>
    ///   request-line = method SP request-target SP HTTP-version
    ///   method       = token
    /// </code>
    /// Exactly one SP between the parts: RFC 9112 §3 lets a server accept other whitespace,
    /// which this parser deliberately does not.
    /// </summary>
    private static void ParseRequestLine(ReadOnlySpan<byte> line, HttpRequestHead head)
    {
        int methodLength = line.IndexOfAnyExcept(HttpCharacters.Token);
        if (methodLength < 0)
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidRequestLine, line.Length);
        }
        if (methodLength == 0 || line[methodLength] != ' ')
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidMethod, methodLength);
        }
        head.MethodLength = methodLength;
        head.Method = KnownTokens.Method(line, methodLength);

        int targetStart = methodLength + 1;
        int targetLength = line.Slice(targetStart).IndexOfAnyExcept(HttpCharacters.Target);
        if (targetLength <= 0)
        {
            // No second SP at all, or an empty target (two SPs in a row).
            HttpParseException.Throw(RequestRejectionReason.InvalidRequestLine, targetStart);
        }
        int versionSpace = targetStart + targetLength;
        if (line[versionSpace] != ' ')
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidRequestTarget, versionSpace);
        }
        ParseTarget(line, targetStart, targetLength, head);
        head.Version = ParseRequestVersion(line.Slice(versionSpace + 1), versionSpace + 1);
    }

    // RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT
    private static HttpVersion ParseRequestVersion(ReadOnlySpan<byte> version, int offset)
    {
        if (version.Length == VersionLength)
        {
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(version);
            if (word == Http11Word)
            {
                return HttpVersion.Http11;
            }
            if (word == Http10Word)
            {
                return HttpVersion.Http10;
            }
            if (version.StartsWith("HTTP/"u8) && HttpCharacters.IsDigit(version[5]) && version[6] == '.' && HttpCharacters.IsDigit(version[7]))
            {
                // Well-formed but not ours (HTTP/2.0 on an HTTP/1 connection, HTTP/1.2): 505.
                HttpParseException.Throw(RequestRejectionReason.UnrecognizedHttpVersion, offset);
            }
        }
        HttpParseException.Throw(RequestRejectionReason.InvalidRequestLine, offset);
        return default;
    }

    /// <summary>
    /// RFC 9112 §3.2: request-target = origin-form / absolute-form / authority-form / asterisk-form.
    /// Each form is allowed only where the RFC allows it: authority-form only (and always) with
    /// CONNECT, asterisk-form only with OPTIONS. absolute-form accepts the http and https schemes.
    /// </summary>
    private static void ParseTarget(ReadOnlySpan<byte> line, int start, int length, HttpRequestHead head)
    {
        // A fragment is not part of any request-target form; clients should not send one, and
        // the proxy strips it rather than forward it: an origin could read a path differently
        // from the router that matched it (RFC 9112 §3.2, RFC 3986 §3.5).
        int fragment = line.Slice(start, length).IndexOf((byte)'#');
        if (fragment >= 0)
        {
            if (fragment == 0)
            {
                HttpParseException.Throw(RequestRejectionReason.InvalidRequestTarget, start);
            }
            length = fragment;
        }
        ReadOnlySpan<byte> target = line.Slice(start, length);
        head.TargetStart = start;
        head.TargetLength = length;
        head.QueryStart = 0;
        head.QueryLength = -1;
        head.AuthorityStart = 0;
        head.AuthorityLength = 0;
        bool connect = head.Method == HttpMethod.Connect;

        if (target[0] == '/' && !connect)
        {
            // origin-form = absolute-path [ "?" query ]
            head.TargetForm = RequestTargetForm.Origin;
            SplitPathAndQuery(target, start, head);
            return;
        }
        if (target[0] == '*' && !connect)
        {
            // asterisk-form = "*"
            if (length != 1 || head.Method != HttpMethod.Options)
            {
                HttpParseException.Throw(RequestRejectionReason.InvalidRequestTarget, start);
            }
            head.TargetForm = RequestTargetForm.Asterisk;
            head.PathStart = start;
            head.PathLength = 0;
            return;
        }
        if (connect)
        {
            // authority-form = uri-host ":" port
            if (!HostSyntax.IsValid(target, requireHost: true, requirePort: true))
            {
                HttpParseException.Throw(RequestRejectionReason.InvalidRequestTarget, start);
            }
            head.TargetForm = RequestTargetForm.Authority;
            head.AuthorityStart = start;
            head.AuthorityLength = length;
            head.PathStart = start;
            head.PathLength = 0;
            return;
        }

        // absolute-form = absolute-URI; only the schemes this proxy serves.
        int schemeLength = target.Length >= 7 && KnownTokens.EqualsLower(target.Slice(0, 7), "http://"u8) ? 7
            : target.Length >= 8 && KnownTokens.EqualsLower(target.Slice(0, 8), "https://"u8) ? 8
            : 0;
        if (schemeLength == 0)
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidRequestTarget, start);
        }
        ReadOnlySpan<byte> afterScheme = target.Slice(schemeLength);
        int authorityLength = afterScheme.IndexOfAny((byte)'/', (byte)'?', (byte)'#');
        if (authorityLength < 0)
        {
            authorityLength = afterScheme.Length;
        }
        if (!HostSyntax.IsValid(afterScheme.Slice(0, authorityLength), requireHost: true, requirePort: false))
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidRequestTarget, start + schemeLength);
        }
        head.TargetForm = RequestTargetForm.Absolute;
        head.AuthorityStart = start + schemeLength;
        head.AuthorityLength = authorityLength;
        int pathStart = schemeLength + authorityLength;
        SplitPathAndQuery(target.Slice(pathStart), start + pathStart, head);
    }

    private static void SplitPathAndQuery(ReadOnlySpan<byte> pathAndQuery, int start, HttpRequestHead head)
    {
        int question = pathAndQuery.IndexOf((byte)'?');
        head.PathStart = start;
        if (question < 0)
        {
            head.PathLength = pathAndQuery.Length;
            return;
        }
        head.PathLength = question;
        head.QueryStart = start + question + 1;
        head.QueryLength = pathAndQuery.Length - question - 1;
    }

    /// <summary>
    /// RFC 9112 §4:
    /// <code>
    ///   status-line = HTTP-version SP status-code SP [ reason-phrase ]
    ///   status-code = 3DIGIT
    /// </code>
    /// A missing SP before an empty reason is accepted (RFC 9112 §4 asks recipients to). Codes
    /// outside 100..599 are invalid (RFC 9110 §15).
    /// </summary>
    private static void ParseStatusLine(ReadOnlySpan<byte> line, HttpResponseHead head)
    {
        const int CodeStart = VersionLength + 1;
        if (line.Length < CodeStart + 3 || line[VersionLength] != ' ')
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidStatusLine, 0);
        }
        ulong word = BinaryPrimitives.ReadUInt64LittleEndian(line);
        if (word == Http11Word)
        {
            head.Version = HttpVersion.Http11;
        }
        else if (word == Http10Word)
        {
            head.Version = HttpVersion.Http10;
        }
        else
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidStatusLine, 0);
        }

        byte d0 = line[CodeStart], d1 = line[CodeStart + 1], d2 = line[CodeStart + 2];
        if (!HttpCharacters.IsDigit(d0) || !HttpCharacters.IsDigit(d1) || !HttpCharacters.IsDigit(d2) || d0 < '1' || d0 > '5')
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidStatusLine, CodeStart);
        }
        head.StatusCode = ((d0 - '0') * 100) + ((d1 - '0') * 10) + (d2 - '0');

        int reasonSpace = CodeStart + 3;
        if (line.Length == reasonSpace)
        {
            head.ReasonStart = reasonSpace;
            head.ReasonLength = 0;
            return;
        }
        if (line[reasonSpace] != ' ')
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidStatusLine, reasonSpace);
        }
        ReadOnlySpan<byte> reason = line.Slice(reasonSpace + 1);
        int bad = reason.IndexOfAny(HttpCharacters.NotFieldValue);
        if (bad >= 0)
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidStatusLine, reasonSpace + 1 + bad);
        }
        head.ReasonStart = reasonSpace + 1;
        head.ReasonLength = reason.Length;
    }
}
