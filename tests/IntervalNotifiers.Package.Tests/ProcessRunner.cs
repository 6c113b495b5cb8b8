using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace IntervalNotifiers.Package.Tests;

/// <summary>The outcome of one child process: exit code and everything it printed, stdout and stderr interleaved.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>The command line, exit code and output, for assertion messages.</summary>
    public override string ToString()
        => $"$ {CommandLine}{Environment.NewLine}(exit code {ExitCode}, {Elapsed.TotalSeconds:F1} s){Environment.NewLine}{Output}";
}

/// <summary>
/// Starts the .NET CLI with a time limit. On timeout the whole process tree is killed and the test fails with
/// the output captured so far. Build servers and node reuse are off, so no process outlives its command.
/// </summary>
public static class ProcessRunner
{
    /// <summary>The default limit of one command.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The dotnet executable that runs the tests (the same SDK builds the package and the consumers).</summary>
    public static string DotNet { get; } = FindDotNet();

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static async Task<ProcessResult> DotNetAsync(string workingDirectory, IReadOnlyList<string> arguments,
                                                        TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var start = new ProcessStartInfo(DotNet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host inherits MSBuild's variables from `dotnet test`: a child build must find its own SDK.
        foreach (var name in new List<string>(EnvironmentNames(start)))
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                || name.Equals("MSBUILD_EXE_PATH", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("VSTEST_", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";

        var commandLine = DotNet + " " + string.Join(" ", arguments);
        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var stdoutDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderrDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => Append(e.Data, stdoutDone);
        process.ErrorDataReceived += (_, e) => Append(e.Data, stderrDone);

        void Append(string? line, TaskCompletionSource done)
        {
            if (line is null)
            {
                done.TrySetResult();
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }

        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cancellation = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
            // The pipes close when the last process holding them exits; bounded, in case one lingers.
            await Task.WhenAll(stdoutDone.Task, stderrDone.Task).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            string sofar;
            lock (output)
            {
                sofar = output.ToString();
            }

            throw new TimeoutException(
                $"Timed out after {limit.TotalSeconds:F0} s (process tree killed): $ {commandLine}{Environment.NewLine}{sofar}", e);
        }

        lock (output)
        {
            return new ProcessResult(commandLine, process.ExitCode, output.ToString(), stopwatch.Elapsed);
        }
    }

    private static IEnumerable<string> EnvironmentNames(ProcessStartInfo start) => start.Environment.Keys;

    private static string FindDotNet()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        return OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
    }
}
