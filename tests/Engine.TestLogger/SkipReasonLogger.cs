using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;

namespace Engine.TestLogger;

/// <summary>
/// Prints every skipped test with its reason, and nothing else. The console logger at its
/// default (minimal) verbosity names a skipped test but not why; at normal verbosity it says
/// why but also lists every passed test. A skip here always means a missing peer or test data
/// ("nginx is missing and there is no apt-get"), which the reader of the README's test command
/// needs to see. xunit puts the skip reason in the result's ErrorMessage.
/// </summary>
[FriendlyName(FriendlyName)]
[ExtensionUri("logger://engine/skip-reasons")]
public sealed class SkipReasonLogger : ITestLogger
{
    public const string FriendlyName = "skip-reasons";

    public void Initialize(TestLoggerEvents events, string testRunDirectory)
    {
        ArgumentNullException.ThrowIfNull(events);
        events.TestResult += (_, e) =>
        {
            if (e.Result.Outcome == TestOutcome.Skipped)
            {
                string reason = string.IsNullOrWhiteSpace(e.Result.ErrorMessage) ? "no reason given" : e.Result.ErrorMessage.Trim();
                Console.WriteLine($"  Skipped {e.Result.TestCase.DisplayName}: {reason}");
            }
        };
    }
}
