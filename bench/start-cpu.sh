#!/bin/bash
# How long `npm start` takes to be ready and the CPU time each process spent
# until then (Linux: reads /proc), then stops it with SIGINT:
#
#   bash bench/start-cpu.sh [label]
#
# Run from the project folder. The environment passes through (PGLITE_DATA_DIR,
# SEED_SCALE, the *_PORT variables: give free ports on a shared machine).
# Prints one line: label, wall seconds to "The hub is ready", CPU seconds of
# all processes and of each service, and the load average before and after.
# CPU seconds are the figure to compare while other work shares the machine.
label=${1:-npm-start}
out=$(mktemp)
load_before=$(cut -d' ' -f1 /proc/loadavg)
start=$(date +%s.%N)
setsid npm start > "$out" 2>&1 &
pid=$!
for _ in $(seq 1 4800); do grep -q "The hub is ready\|failed to start\|exited during" "$out" && break; sleep 0.25; done
end=$(date +%s.%N)
ticks=$(getconf CLK_TCK)
group=$(ps -o pgid= "$pid" | tr -d ' ')
declare -A cpu
total=0
for p in $(pgrep -g "$group"); do
  read -r -a stat < <(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
  used=$(( ${stat[11]} + ${stat[12]} ))
  total=$((total + used))
  command=$(tr '\0' ' ' < "/proc/$p/cmdline")
  case "$command" in
    *start-subgraph*) name=$(echo "$command" | awk '{print $NF}') ;;
    *gateway/main*) name=gateway ;;
    *) name=launcher ;;
  esac
  cpu[$name]=$(( ${cpu[$name]:-0} + used ))
done
grep -q "The hub is ready" "$out" || { echo "$label: not ready"; cat "$out"; }
printf "%s: ready in %.1f s, %.1f CPU-s (" "$label" "$(echo "$end - $start" | bc)" "$(echo "$total / $ticks" | bc -l)"
for name in "${!cpu[@]}"; do printf " %s %.1f" "$name" "$(echo "${cpu[$name]} / $ticks" | bc -l)"; done
echo " ), load $load_before -> $(cut -d' ' -f1 /proc/loadavg)"
kill -INT -"$group" 2>/dev/null
wait "$pid" 2>/dev/null
rm -f "$out"
