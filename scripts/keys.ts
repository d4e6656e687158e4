// `npm run keys [-- --file PATH] [--replace] [--print]`: new secrets for a
// deployment (platform/access/hub-secrets.ts), written into .env (mode 0600, beside
// docker-compose.yml) without overwriting a variable it already has, or with
// --print only printed, one `NAME="value"` line each and nothing else.
// A file that has HUB_IDENTITY_SECRET but lacks a subgraph's key (a subgraph
// added since) gets the missing keys, derived from that secret, and nothing else.
// Exit code: 0 written or printed, 1 when .env already has one of them, 2 on usage.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'dotenv';
import { envLine, ExistingVariablesError, writeEnvFile } from '../platform/core/env-file';
import { newHubSecrets, subgraphIdentityKeys } from '../platform/access/hub-secrets';
import { PROJECT_ROOT } from '../platform/core/paths';
import { listSubgraphs } from '../schema/subgraphs';

const usage = `usage: npm run keys [-- --file PATH] [--replace]
       npm run -s keys -- --print   (the lines only, on stdout: -s keeps npm's own lines out)
  --file      the file to add them to (default: .env in the project, which docker-compose reads)
  --replace   write new values over those the file has (rotating the keys)`;

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({ options: { 'file': { type: 'string' }, replace: { type: 'boolean', default: false }, print: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const subgraphs = listSubgraphs().map((s) => s.name);
  const secrets = newHubSecrets(subgraphs);
  if (values.print) {
    process.stdout.write(Object.entries(secrets).map(([name, value]) => `${envLine(name, value)}\n`).join(''));
    return 0;
  }
  const file = path.resolve(values.file ?? path.join(PROJECT_ROOT, '.env'));
  const present = existsSync(file) ? parse(readFileSync(file, 'utf8')) : {};
  if (!values.replace && present.HUB_IDENTITY_SECRET) {
    const missing = Object.entries(subgraphIdentityKeys(present.HUB_IDENTITY_SECRET, subgraphs)).filter(([name]) => !(name in present));
    if (missing.length) {
      const change = writeEnvFile(file, Object.fromEntries(missing));
      console.error(`${file}: added ${change.added.join(', ')} (derived from its HUB_IDENTITY_SECRET)`);
      return 0;
    }
  }
  try {
    const change = writeEnvFile(file, secrets, { replace: values.replace });
    if (change.wasOpen) console.error(`${file} was readable by others: it is now readable by its owner only (0600).`);
    console.error(`${file}: ${[change.added.length ? `added ${change.added.join(', ')}` : '', change.replaced.length ? `replaced ${change.replaced.join(', ')}` : ''].filter(Boolean).join('; ')}`);
    return 0;
  } catch (error) {
    if (!(error instanceof ExistingVariablesError)) throw error;
    console.error(error.message);
    return 1;
  }
}

process.exitCode = main();
