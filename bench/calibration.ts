// How fast this machine runs plain JavaScript now (issue 19): a fixed piece of
// CPU work of the kind a gateway does (JSON text to objects and back), timed
// by the process's own CPU counter, before each counted round. A cell's CPU
// per request divided by its round's calibration is in calibrations: meant to
// tell a slower machine from costlier requests when two runs land apart. It
// has not: in one committed pair the repeat's cells cost 18 to 46% more than
// the first run's while this moved 4%, in the next -6 to +25% while it moved
// 3% (docs/caching-and-benchmark.md, "The repeat on a shared machine").

/** A page of 100 offices with 5 events each, as a subgraph answers the wide list. */
const SAMPLE = JSON.stringify({
  data: {
    _entities: Array.from({ length: 100 }, (_, office) => ({
      __typename: 'JudicialOffice',
      id: `JO-6501020${String(office).padStart(2, '0')}`,
      educationEvents: { nodes: Array.from({ length: 5 }, (_, event) => ({ id: `EV-${office}-${event}`, title: `Law in the village, session ${event}`, heldOn: '2022-05-1' + event })) },
    })),
  },
});
const ITERATIONS = 100;

/** CPU milliseconds this process spends on the fixed work once (the least of `tries`, after one untimed pass). */
export function calibrationCpuMs(tries = 3): number {
  work();
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < tries; i++) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    least = Math.min(least, (used.user + used.system) / 1000);
  }
  return least;
}

function work(): void {
  let offices = 0;
  for (let i = 0; i < ITERATIONS; i++) offices += (JSON.parse(JSON.stringify(JSON.parse(SAMPLE))) as { data: { _entities: unknown[] } }).data._entities.length;
  if (offices !== ITERATIONS * 100) throw new Error('calibration: the sample did not round-trip');
}
