using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Engine.Host.Configuration.Toml;

namespace Engine.Fuzz.Toml;

/// <summary>
/// Fuzzes the TOML parser through both entry points. Per input: only <see cref="TomlException"/>
/// may escape, located inside the text; <see cref="TomlDocument.ParseUtf8"/> rejects every input
/// that is not UTF-8; for UTF-8 input, <see cref="TomlDocument.Parse"/> of the decoded text parses
/// the same document a second time and must give the same tree or the same error, since there is
/// no writer to round-trip through. The string entry point also gets what the byte one never sees:
/// text with U+FFFD where the bytes were bad, and, for some inputs, the bytes read as UTF-16,
/// which holds lone surrogates.
/// </summary>
internal sealed class TomlDocumentTarget : IFuzzTarget
{
    private const string FileName = "fuzz.toml";

    public string Name => "toml";

    public IEnumerable<byte[]> Seeds => TomlSeeds.Documents;

    public IReadOnlyList<byte[]> Tokens => TomlSeeds.Tokens;

    public void Run(ReadOnlySpan<byte> input)
    {
        bool isUtf8 = Utf8.IsValid(input);
        string text = Encoding.UTF8.GetString(input);
        Outcome fromBytes = ParseUtf8(input, text);
        if (isUtf8)
        {
            Outcome fromText = Parse(text);
            if (fromText != fromBytes)
            {
                throw new FuzzFindingException($"The same text parsed twice gave two results: from bytes {fromBytes}, from the string {fromText}.");
            }
        }
        else
        {
            if (fromBytes.Parsed)
            {
                throw new FuzzFindingException("ParseUtf8 accepted bytes that are not UTF-8.");
            }

            Parse(text);
        }

        // The string API takes any .NET string; only a caller that did not decode UTF-8 hands it
        // lone surrogates. Half of the inputs (chosen by content, so a replay does the same) take that path.
        if ((input.Length & 1) == 0 && input.Length > 0 && (input[0] & 1) == 0)
        {
            Parse(new string(MemoryMarshal.Cast<byte, char>(input)));
        }
    }

    /// <summary>Whether the input is a document: such inputs join the corpus.</summary>
    public static bool Accepts(ReadOnlySpan<byte> input)
    {
        try
        {
            TomlDocument.ParseUtf8(input, FileName);
            return true;
        }
        catch (TomlException)
        {
            return false;
        }
    }

    private static Outcome ParseUtf8(ReadOnlySpan<byte> input, string decoded)
    {
        TomlDocument document;
        try
        {
            document = TomlDocument.ParseUtf8(input, FileName);
        }
        catch (TomlException e)
        {
            // The error sits at or before the first bad byte, so the lossy decoding has its line.
            return Rejected(e, decoded);
        }

        return Accepted(document, decoded);
    }

    private static Outcome Parse(string text)
    {
        TomlDocument document;
        try
        {
            document = TomlDocument.Parse(text, FileName);
        }
        catch (TomlException e)
        {
            return Rejected(e, text);
        }

        return Accepted(document, text);
    }

    private static Outcome Accepted(TomlDocument document, string text)
    {
        if (document.FileName != FileName)
        {
            throw new FuzzFindingException($"The document names file '{document.FileName}', not '{FileName}'.");
        }

        return new Outcome(true, TomlTreeText.Write(document, new TextShape(text, FileName)));
    }

    private static Outcome Rejected(TomlException e, string text)
    {
        if (string.IsNullOrEmpty(e.Reason))
        {
            throw new FuzzFindingException($"A TomlException without a reason at {e.Position}.");
        }

        new TextShape(text, FileName).Check(e.Position, $"the error \"{e.Reason}\"");
        return new Outcome(false, e.Message);
    }

    /// <summary>A parse as text: the tree written out, or the located error message.</summary>
    private readonly record struct Outcome(bool Parsed, string Text)
    {
        public override string ToString()
        {
            string head = Text.Length <= 200 ? Text : Text[..200] + "...";
            return Parsed ? $"a document ({Text.Length} characters written): {head}" : $"the error \"{head}\"";
        }
    }
}
