"""The arithmetic `make bench` prints with: percentiles, budgets, goals met or not, peak memory.

Pure functions, so the benchmark scripts stay a list of measurements and the rules they are
judged by can be tested without a database or a server.
"""

import resource
import sys

# Issue 15's budgets, in milliseconds of server time at the 95th percentile.
PAGE_P95_MS = 150  # every page at a million lines
TEN_MILLION = 10_000_000
CUBE_P95_MS_AT_10M = 400
CPO_DASHBOARD_P95_MS_AT_10M = 300
# Past a million lines every other page may take twice its budget at a million.
LARGE_FACTOR = 2


def percentile(samples, fraction: float) -> float:
    """The sample at `fraction` of the way through the ordered samples (nearest rank)."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def page_budget_ms(url_name: str, lines: int) -> int:
    """A page's p95 budget with `lines` spend lines: 150 ms up to a million; past it the cube
    400 ms, the CPO's portfolio dashboard 300 ms, every other page twice its 150 ms."""
    if lines <= 1_000_000:
        return PAGE_P95_MS
    if url_name == "spend:cube":
        return CUBE_P95_MS_AT_10M
    if url_name == "portfolio:dashboard":
        return CPO_DASHBOARD_P95_MS_AT_10M
    return LARGE_FACTOR * PAGE_P95_MS


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def at_most(value: float, goal: float, unit: str = "") -> str:
    """'<= 150 ms MET' style text for a figure whose goal is a ceiling."""
    return f"(goal <= {goal:g}{unit}) {verdict(value <= goal)}"


def at_least(value: float, goal: float, unit: str = "") -> str:
    """'>= 0.4 MET' style text for a figure whose goal is a floor."""
    return f"(goal >= {goal:g}{unit}) {verdict(value >= goal)}"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory of this process (or of its largest finished child) in MB. Linux
    carries the parent's RSS at fork into a child's ru_maxrss across exec, so for this process
    the kernel's own high-water mark of its memory (VmHWM) is read where there is one."""
    if who == resource.RUSAGE_SELF:
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
    kilobytes = resource.getrusage(who).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return kilobytes / 1024 / (1024 if sys.platform == "darwin" else 1)
