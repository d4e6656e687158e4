// The committed supergraph and generated resolver types are current, and the
// registered dashboard operations are valid against the composed API schema.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { composeSupergraph, operationFiles, SUPERGRAPH_PATH } from '../schema/compose';

describe('composition', () => {
  const outcome = composeSupergraph();

  test('the subgraphs compose, and every registered operation validates', () => {
    expect(outcome.ok ? [] : outcome.problems).toEqual([]);
    expect(operationFiles().length).toBeGreaterThan(0);
  });

  test('schema/supergraph.graphql is current (run `npm run compose`)', () => {
    expect(outcome.ok && outcome.supergraphSdl).toBe(readFileSync(SUPERGRAPH_PATH, 'utf8'));
  });

  test('generated resolver types are current (run `npm run codegen`)', () => {
    const root = path.join(__dirname, '..');
    const run = spawnSync(process.execPath, [path.join(root, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'codegen.ts', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect({ status: run.status, output: run.status === 0 ? '' : run.stdout + run.stderr }).toEqual({ status: 0, output: '' });
  });
});
