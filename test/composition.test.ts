// The committed supergraph, persisted-operation manifest and generated
// resolver types are current, and the registered dashboard operations are
// valid against the composed API schema.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { checkGraph, operationFiles, SUPERGRAPH_PATH, type GraphReport } from '../schema/compose';
import { buildManifest, MANIFEST_PATH, manifestText } from '../schema/manifest';

describe('composition', () => {
  let report: GraphReport;
  beforeAll(async () => {
    report = await checkGraph();
  });

  test('the subgraphs compose, the public contract is kept and every registered operation validates', () => {
    expect({ composition: report.composition, contract: report.contract, operations: report.operations }).toEqual({ composition: [], contract: [], operations: [] });
    expect(operationFiles().length).toBeGreaterThan(0);
  });

  test('schema/supergraph.graphql is current (run `npm run compose`)', () => {
    expect(report.supergraphSdl).toBe(readFileSync(SUPERGRAPH_PATH, 'utf8'));
  });

  test('schema/persisted-query-manifest.json is current (run `npm run compose`)', () => {
    expect(manifestText(buildManifest())).toBe(readFileSync(MANIFEST_PATH, 'utf8'));
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
