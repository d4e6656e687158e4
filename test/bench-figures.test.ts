// The benchmark's hub / bare ratios (bench/main-table.ts pairedRatio): each
// round's two cells over each other, then the median of the rounds' ratios;
// not the cells' medians over each other.
import { emptyCells, pairedRatio, type CountedRun } from '../bench/main-table';

const run = (requestsPerSecond: number): CountedRun => ({
  requests: 100, requestsPerSecond, p50: 1, p95: 1, p99: 1, peakRssMb: 1, failures: 0, cpuMs: { total: 1 }, callsPerRequest: 1, wallSeconds: 1,
});

function cells(hub: number[], bare: number[]) {
  const runs = emptyCells();
  runs.hub.push(...hub.map(run));
  runs.bare.push(...bare.map(run));
  return runs;
}

describe('pairedRatio', () => {
  test('pairs the cells by round: a machine that slows down for two rounds slows both cells of those rounds', () => {
    // Rounds 3 and 4 ran on a machine half as fast, for hub and bare alike: every round's ratio is 2.
    const runs = cells([200, 200, 100, 100, 200], [100, 100, 50, 50, 100]);
    expect(pairedRatio(runs, 'hub', 'bare', (r) => r.requestsPerSecond)).toBe(2);
  });

  test('is the median of the rounds\' ratios, not the ratio of the medians', () => {
    const runs = cells([210, 190, 120, 200, 205], [100, 100, 50, 95, 110]);
    // Ratios by round: 2.1, 1.9, 2.4, 2.105..., 1.864...; their median 2.1 (the medians' ratio: 200 / 100 = 2).
    expect(pairedRatio(runs, 'hub', 'bare', (r) => r.requestsPerSecond)).toBe(2.1);
  });

  test('an even number of rounds: the mean of the middle two ratios', () => {
    const runs = cells([200, 300, 100, 250], [100, 100, 100, 100]);
    expect(pairedRatio(runs, 'hub', 'bare', (r) => r.requestsPerSecond)).toBe(2.25);
  });

  test('reads whichever figure it is given (CPU per request)', () => {
    const runs = emptyCells();
    runs.hub.push({ ...run(1), cpuMs: { total: 3 } }, { ...run(1), cpuMs: { total: 4 } }, { ...run(1), cpuMs: { total: 5 } });
    runs.bare.push({ ...run(1), cpuMs: { total: 12 } }, { ...run(1), cpuMs: { total: 10 } }, { ...run(1), cpuMs: { total: 20 } });
    expect(pairedRatio(runs, 'hub', 'bare', (r) => r.cpuMs.total)).toBe(0.25);
  });
});
