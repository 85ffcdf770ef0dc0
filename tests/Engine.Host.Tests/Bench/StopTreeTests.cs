using System.Diagnostics;
using Engine.Host.Tests.Configuration;

namespace Engine.Host.Tests.Bench;

/// <summary>
/// The benchmark and soak scripts stop what they started with bench/lib/common.sh's stop_tree:
/// a process that exits on SIGTERM must be reported as exited (not SIGKILLed), and only one that
/// outlives the grace period as killed.
/// </summary>
public sealed class StopTreeTests
{
    [Fact]
    public void StopTree_ProcessThatExitsOnTerm_IsNotReportedAsKilled()
    {
        // Twenty quick stops: the misreport was a race with bash reaping the child.
        string report = RunBash("""
            for i in $(seq 20); do
              sleep 30 & pid=$!
              stop_tree "$pid"
              echo "killed=$STOP_KILLED rc=$STOP_RC"
            done
            """);

        Assert.Equal(20, report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(report.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("killed=0 ", line, StringComparison.Ordinal));
    }

    [Fact]
    public void StopTree_ProcessThatIgnoresTerm_IsKilledAfterTheGrace_AndReportedSo()
    {
        string report = RunBash("""
            bash -c 'trap "" TERM; sleep 30' & pid=$!
            sleep 0.3
            STOP_GRACE=1 stop_tree "$pid"
            echo "killed=$STOP_KILLED rc=$STOP_RC"
            """);

        Assert.Equal("killed=1 rc=137", report.Trim());
    }

    private static string RunBash(string script)
    {
        string common = Path.Combine(ExampleConfigTests.RepositoryRoot(), "bench", "lib", "common.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        using Process bash = Process.Start(start)!;
        bash.StandardInput.Write($". '{common}'\n{script}\n");
        bash.StandardInput.Close();
        string output = bash.StandardOutput.ReadToEnd();
        Assert.True(bash.WaitForExit(TimeSpan.FromSeconds(60)), "the stop_tree script did not finish");
        return output;
    }
}
