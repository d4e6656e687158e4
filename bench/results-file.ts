// Where every benchmark command keeps its figures: bench/results/<name>.json,
// pretty-printed, one file per command (the committed figures docs quote).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const RESULTS_DIR = path.join(__dirname, 'results');

const round2 = (value: number) => Math.round(value * 100) / 100;

/** The machine a result was measured on: cores, Node, and the load average (1, 5, 15 min) as the run ends. */
export function machineNow(): { cpus: number; node: string; loadAverage: number[] } {
  return { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg().map(round2) };
}

/** Writes `result` to bench/results/<file> and returns the path to tell, relative to the project. */
export function writeBenchResult(file: string, result: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, file), `${JSON.stringify(result, null, 2)}\n`);
  return `bench/results/${file}`;
}
