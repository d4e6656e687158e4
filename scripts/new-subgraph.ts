// `npm run new-subgraph -- <name>`: a new agency's subgraph, working and
// composed: subgraphs/<name>/ (SDL extending Region with a stats field, a
// migration, a seed, loaders, resolvers, its definition and generated types),
// test/<name>.test.ts, the next free port, its docker-compose service and
// database (docker/postgres-init.sql), then `npm run codegen`, `npm run
// compose`, `npm run compose:haproxy` (docker/haproxy.cfg) and `npm run k8s`
// (deploy/k8s). docs/layout-and-adding-an-agency.md, "Adding an agency", says what to change next.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { composeService, namesOf, subgraphFiles, type Names } from './new-subgraph/templates';
import { listSubgraphs } from '../schema/subgraphs';

const ROOT = path.join(__dirname, '..');
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const RESERVED = new Set(['gateway', 'postgres', 'platform', 'schema', 'shared']);

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

/** The service goes before the gateway's; the gateway gets its URL (through HAProxy) and waits for it. */
function addToCompose(n: Names): void {
  const file = path.join(ROOT, 'docker-compose.yml');
  let text = readFileSync(file, 'utf8');
  const gatewayAt = text.indexOf('\n  gateway:\n');
  if (gatewayAt < 0) fail('docker-compose.yml has no gateway service to add the new subgraph before', 1);
  text = text.slice(0, gatewayAt + 1) + composeService(n) + text.slice(gatewayAt + 1);
  const gateway = text.slice(text.indexOf('\n  gateway:\n'));
  const urls = [...gateway.matchAll(/^ {6}[A-Z_]+_URL: http:\/\/[\w-]+:\d+\/graphql\n/gm)];
  const waits = [...gateway.matchAll(/^ {6}[\w-]+: \{ condition: service_healthy \}\n/gm)];
  if (!urls.length || !waits.length) fail('docker-compose.yml: the gateway has no subgraph URLs or depends_on to extend', 1);
  const start = text.length - gateway.length;
  const lastUrl = urls.at(-1)!;
  const lastWait = waits.at(-1)!;
  const insertions = [
    { at: start + lastUrl.index! + lastUrl[0].length, text: `      ${n.env}_URL: http://haproxy:${n.port}/graphql\n` },
    { at: start + lastWait.index! + lastWait[0].length, text: `      ${n.name}: { condition: service_healthy }\n` },
  ].sort((a, b) => b.at - a.at);
  for (const insertion of insertions) text = text.slice(0, insertion.at) + insertion.text + text.slice(insertion.at);
  writeFileSync(file, text);
}

function run(step: string, args: string[]): void {
  console.log(`- ${step}`);
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) fail(`${step} failed (exit ${result.status}); the files written so far are in place`, 1);
}

function main(): void {
  const name = process.argv[2];
  if (!name || process.argv.length > 3) fail('usage: npm run new-subgraph -- <name>   (lower case words joined by "-", e.g. land-registry)');
  if (!NAME.test(name) || name.length > 40) fail(`"${name}" is not a subgraph name: lower case letters and digits, words joined by "-", e.g. land-registry`);
  const existing = listSubgraphs();
  if (RESERVED.has(name) || existing.some((s) => s.name === name) || existsSync(path.join(ROOT, 'subgraphs', name))) fail(`"${name}" is taken`);
  const port = Math.max(4000, ...existing.map((s) => s.definition.defaultPort)) + 1;
  const names = namesOf(name, port);
  const files = subgraphFiles(names);
  for (const relative of Object.keys(files)) if (existsSync(path.join(ROOT, relative))) fail(`${relative} exists already`);

  console.log(`Creating the ${name} subgraph on port ${port}:`);
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(ROOT, relative)), { recursive: true });
    writeFileSync(path.join(ROOT, relative), content);
    console.log(`  ${relative}`);
  }
  addToCompose(names);
  console.log('  docker-compose.yml (service, the gateway\'s URL through HAProxy and depends_on)');
  writeFileSync(path.join(ROOT, 'docker', 'postgres-init.sql'), `${readFileSync(path.join(ROOT, 'docker', 'postgres-init.sql'), 'utf8').trimEnd()}\nCREATE DATABASE ${names.snake};\n`);
  console.log('  docker/postgres-init.sql');

  run('npm run codegen', [path.join(ROOT, 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js'), '--config', 'codegen.ts', '--silent']);
  run('npm run compose', ['--import', 'tsx', path.join(ROOT, 'scripts', 'compose.ts')]);
  run('npm run compose:haproxy', ['--import', 'tsx', path.join(ROOT, 'scripts', 'cluster', 'compose-haproxy.ts')]);
  run('npm run k8s', ['--import', 'tsx', path.join(ROOT, 'scripts', 'k8s', 'write.ts')]);
  console.log(`\nDone. Next: docs/layout-and-adding-an-agency.md, "Adding an agency". Try it: npm start, then
  { region(code: "652900") { name ${names.camel}Stats { records } } }`);
}

main();
