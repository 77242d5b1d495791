#!/bin/bash
# interleaved A/B: the server at nice -10 (as a worker) vs nice 0, 20 rooms, none, core 0 traced
# ran at 5f55a8f, before real-time scheduling existed (at later commits add PLATEAU_MEDIA_REALTIME_PRIORITY=0)
cd "$(git rev-parse --show-toplevel)"  # run from inside the repository
out=benchmarks/results/scale/issue20-nice-ab
mkdir -p $out
for i in 1 2 3 4; do
  for nice in -10 0; do
    name=nice${nice#-}-run$i
    [ "$nice" = "-10" ] && name=nice-10-run$i
    [ "$nice" = "0" ] && name=nice0-run$i
    uptime >> $out/load.txt
    taskset -c 1 perf record -q -k CLOCK_MONOTONIC -e sched:sched_switch -C 0 -o /tmp/ab.data -- sleep 44 &
    perf_pid=$!
    sleep 1
    PLATEAU_MEDIA_NICE=$nice .venv/bin/python benchmarks/media_bench.py --pin --rooms 20 --seconds 30 --profile none --out $out --name $name.json 2>&1 | tail -2 | head -1 >> $out/runs.txt
    wait $perf_pid
    perf script -i /tmp/ab.data 2>/dev/null | .venv/bin/python -m benchmarks.core_trace 8 > $out/$name.core0.txt
    rm -f /tmp/ab.data
  done
done
echo done >> $out/runs.txt
