// `npm run compose`: composes the subgraphs' SDL into schema/supergraph.graphql
// and writes the persisted-operation manifest (schema/persisted-query-manifest.json)
// from schema/operations. Refuses to write a supergraph that does not compose,
// breaks the public contract or breaks a registered operation, and says why
// as `npm run check` does (one entry per problem, with its file, line and
// column). `--check` only tells whether the committed files are current;
// `--json` prints the report as JSON.
import { readFileSync, writeFileSync } from 'node:fs';
import { blocksCompose, checkGraph, SUPERGRAPH_PATH } from '../schema/compose';
import { buildManifest, MANIFEST_PATH, manifestText } from '../schema/manifest';
import { formatReport } from '../schema/report';
import { displayPath } from '../platform/server/shared-sdl';

const readOr = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const json = process.argv.includes('--json');
  const report = await checkGraph();
  if (json) {
    const { supergraphSdl: _composed, ...shown } = report;
    console.log(JSON.stringify({ written: !blocksCompose(report) && !check, ...shown }, null, 2));
  }
  if (blocksCompose(report)) {
    if (!json) console.error(formatReport(report, 'compose'));
    return 1;
  }
  const outputs = [
    { path: SUPERGRAPH_PATH, text: report.supergraphSdl! },
    { path: MANIFEST_PATH, text: manifestText(buildManifest()) },
  ];
  if (check) {
    const stale = outputs.filter((o) => readOr(o.path) !== o.text).map((o) => displayPath(o.path));
    if (stale.length) {
      console.error(`${stale.join(' and ')} ${stale.length > 1 ? 'are' : 'is'} stale: run \`npm run compose\` and commit.`);
      return 1;
    }
    if (!json) console.log('schema/supergraph.graphql and schema/persisted-query-manifest.json are current.');
    return 0;
  }
  for (const output of outputs) {
    const unchanged = readOr(output.path) === output.text;
    if (!unchanged) writeFileSync(output.path, output.text);
    if (!json) console.log(`Wrote ${displayPath(output.path)}${unchanged ? ' (unchanged)' : ''}.`);
  }
  if (!json) {
    const breaking = report.changes.filter((c) => c.level === 'breaking').length;
    if (report.changes.length) console.log(`${report.changes.length} change(s) to the API against the previous supergraph, ${breaking} breaking (no registered operation or contract break).`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`compose failed: ${error.stack ?? error.message}`);
    process.exit(2);
  },
);
