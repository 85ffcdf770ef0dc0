using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Engine.Host.Logging;

/// <summary>
/// Where application log lines go: stdout, stderr or a file opened for appending. Formats each
/// line into one reused buffer and writes it with one call, under a lock, so that lines from
/// different threads never interleave. Shared across settings while the destination stays the
/// same (a reload that changes only the level or format keeps the file open).
/// </summary>
internal sealed partial class ApplicationLogSink : IDisposable
{
    private static readonly JsonWriterOptions s_jsonOptions = new()
    {
        // Escape only what JSON requires: messages quote rules (`/api`) and paths, which the
        // default encoder would turn into \u0060 noise. A line is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly Lock _lock = new();
    private readonly string _target;
    private readonly ArrayBufferWriter<byte> _line = new(512);
    private readonly Utf8JsonWriter _json;
    private Stream _stream;
    private bool _disposed;

    private ApplicationLogSink(string target, Stream stream)
    {
        _target = target;
        _stream = stream;
        _json = new Utf8JsonWriter(_line, s_jsonOptions);
    }

    /// <summary>"stdout", "stderr", or the path of a file (appended to, created if missing).</summary>
    public static ApplicationLogSink Open(string target) => new(target, OpenStream(target));

    /// <summary>A file, as opposed to the console: text lines then carry the date too.</summary>
    public bool IsFile => !IsConsole(_target);

    public void WriteLine(in ApplicationLogEntry entry, ApplicationLogFormat format)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _line.ResetWrittenCount();
            if (format == ApplicationLogFormat.Json)
            {
                FormatJson(in entry);
            }
            else
            {
                FormatText(in entry);
            }

            try
            {
                _stream.Write(_line.WrittenSpan);
            }
            catch (IOException)
            {
                // A full disk or a closed pipe: the application log has nowhere to say so, and
                // must not take the request that logged down with it.
            }
            finally
            {
                if (_line.Capacity > 64 * 1024)
                {
                    // One huge message (a long list of config errors) must not pin its buffer for good.
                    _line.Clear();
                }
            }
        }
    }

    /// <summary>Reopens a file at its path, the new one first: if that fails, lines keep going to the old.</summary>
    public void Reopen()
    {
        if (!IsFile)
        {
            return;
        }

        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            Stream next;
            try
            {
                next = OpenStream(_target);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }

            Stream previous = _stream;
            _stream = next;
            previous.Dispose();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _json.Dispose();
            _stream.Dispose();
        }
    }

    private static bool IsConsole(string target) => target is "stdout" or "stderr";

    private static Stream OpenStream(string target) => target switch
    {
        // Dups of fd 1 and 2: closing them on a reload leaves the process's own open.
        "stdout" => Console.OpenStandardOutput(),
        "stderr" => Console.OpenStandardError(),
        _ => new FileStream(target, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            // Readers (tail -f, shippers) and logrotate's rename/unlink must not be locked out.
            Share = FileShare.ReadWrite | FileShare.Delete,
            // Each line is one write already; a FileStream buffer would only delay it.
            BufferSize = 0,
        }),
    };

    private void AppendUtf8(scoped ReadOnlySpan<char> text)
    {
        Span<byte> destination = _line.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _line.Advance(Encoding.UTF8.GetBytes(text, destination));
    }

    private void AppendAscii(scoped ReadOnlySpan<byte> text)
    {
        text.CopyTo(_line.GetSpan(text.Length));
        _line.Advance(text.Length);
    }
}
