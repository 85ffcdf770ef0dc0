namespace Engine.Http.Http1;

/// <summary>
/// Walks a list-based field value (RFC 9110 §5.6.1: <c>#element</c>), yielding each element with
/// its OWS trimmed. Empty elements ("a, , b") are skipped, as §5.6.1 tells recipients to do.
/// Only for lists whose elements cannot hold a quoted comma (Connection); Transfer-Encoding
/// parameters can, so it has its own reader.
/// </summary>
internal static class CommaList
{
    public static bool TryNext(ReadOnlySpan<byte> value, ref int pos, out ReadOnlySpan<byte> element)
    {
        while ((uint)pos < (uint)value.Length)
        {
            ReadOnlySpan<byte> rest = value.Slice(pos);
            int comma = rest.IndexOf((byte)',');
            ReadOnlySpan<byte> raw = comma < 0 ? rest : rest.Slice(0, comma);
            pos += comma < 0 ? rest.Length : comma + 1;
            element = raw.Trim(" \t"u8);
            if (!element.IsEmpty)
            {
                return true;
            }
        }
        element = default;
        return false;
    }
}
