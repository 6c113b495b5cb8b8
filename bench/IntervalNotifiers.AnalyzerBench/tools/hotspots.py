#!/usr/bin/env python3
"""Where the IntervalNotifiers analyzers spend their time, from a dotnet-trace speedscope file.

    dotnet tool install --tool-path /tmp/tools dotnet-trace
    /tmp/tools/dotnet-trace collect --format speedscope -o /tmp/bench.nettrace -- \
        artifacts/bin/IntervalNotifiers.AnalyzerBench/release/IntervalNotifiers.AnalyzerBench \
        --corpus /tmp/corpus100 --repeat 3 --quiet
    python3 bench/IntervalNotifiers.AnalyzerBench/tools/hotspots.py /tmp/bench.speedscope.json

Prints the analyzer methods by inclusive thread time, and the compiler or library calls made directly from
analyzer code (what the analyzers pay for: control-flow graphs, syntax walks, ...). Thread time includes waits.
"""
import collections
import json
import sys


def main(path, marker="IntervalNotifiers.Analyzers", top=25):
    data = json.load(open(path))
    frames = [f["name"] for f in data["shared"]["frames"]]
    ours = [marker in name for name in frames]
    inclusive = collections.Counter()
    callees = collections.Counter()
    in_analyzers = 0.0
    for profile in data["profiles"]:
        stack = []
        for event in profile.get("events", []):
            if event["type"] == "O":
                stack.append((event["frame"], event["at"]))
                continue
            frame, opened = stack.pop()
            duration = event["at"] - opened
            below = [f for f, _ in stack]
            if frame not in below:
                inclusive[frames[frame]] += duration
            if ours[frame] and not any(ours[f] for f in below):
                in_analyzers += duration
            # A library frame called directly by analyzer code, not nested in another such call.
            if not ours[frame] and below and ours[below[-1]]:
                nested = any(not ours[f] and any(ours[g] for g in below[:i]) for i, f in enumerate(below))
                if not nested:
                    callees[frames[frame]] += duration
    print(f"thread time in analyzer code (outermost frames): {in_analyzers:,.0f} ms")
    print("-- analyzer methods, inclusive ms")
    for name, ms in [x for x in inclusive.most_common() if marker in x[0]][:top]:
        print(f"{ms:9,.0f}  {name[:170]}")
    print("-- compiler and library calls made from analyzer code, inclusive ms")
    for name, ms in callees.most_common(top):
        print(f"{ms:9,.0f}  {name[:170]}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
