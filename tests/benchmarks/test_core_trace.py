"""Reading a trace of the server core's context switches: who had it while the loop was off."""

from __future__ import annotations

from benchmarks.core_trace import loop_thread, off_cpu, switches

# perf script of sched:sched_switch on CPU 0 (trimmed): the loop (python/100) preempted for
# 40 ms by another process's threads, then asleep 5 ms while the core idles.
# fmt: off
TRACE = """\
python   100 [000]  10.000000: sched:sched_switch: prev_comm=python prev_pid=100 prev_prio=110 prev_state=R ==> next_comm=2_scheduler next_pid=7 next_prio=120
2_scheduler 7 [000]  10.030000: sched:sched_switch: prev_comm=2_scheduler prev_pid=7 prev_prio=120 prev_state=R ==> next_comm=1_scheduler next_pid=6 next_prio=120
1_scheduler 6 [000]  10.040000: sched:sched_switch: prev_comm=1_scheduler prev_pid=6 prev_prio=120 prev_state=S ==> next_comm=python next_pid=100 next_prio=110
python   100 [000]  10.100000: sched:sched_switch: prev_comm=python prev_pid=100 prev_prio=110 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120
python   200 [001]  10.101000: sched:sched_switch: prev_comm=python prev_pid=200 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120
swapper  0 [000]  10.105000: sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=python next_pid=100 next_prio=110
python   100 [000]  10.200000: sched:sched_switch: prev_comm=python prev_pid=100 prev_prio=110 prev_state=S ==> next_comm=python next_pid=101 next_prio=110
python   101 [000]  10.201000: sched:sched_switch: prev_comm=python prev_pid=101 prev_prio=110 prev_state=S ==> next_comm=python next_pid=100 next_prio=110
"""  # noqa: E501
# fmt: on


def test_the_loops_longest_time_off_the_core_names_who_had_it() -> None:
    events = switches(TRACE.splitlines())
    assert all(e.next_pid != 200 for e in events)  # another CPU's line is not this core's
    assert loop_thread(events) == 100
    longest, second, third = off_cpu(events, 100)
    assert (round(longest.ms), longest.left) == (40, "R")
    others = {who: round(ms, 3) for who, ms in longest.others_ms.items()}
    assert others == {"2_scheduler/7": 30.0, "1_scheduler/6": 10.0}
    assert (round(second.ms), second.left, list(second.others_ms)) == (5, "S", ["swapper/0/0"])
    assert round(third.ms) == 1
    assert "2_scheduler/7 30.0" in longest.describe()
