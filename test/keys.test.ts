// `npm run keys` as an operator runs it: it writes .env itself (so npm's own
// lines never end up in it), readable by its owner only, with exactly the
// variables of platform/access/hub-secrets.ts, whose keys work; it never overwrites a
// variable the file has unless asked to; `--print` prints those lines and
// nothing else.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'dotenv';
import { identityKeyVariable } from '../platform/access/hub-secrets';
import { createIdentitySigner, createIdentityVerifier } from '../platform/access/identity';
import { listSubgraphs } from '../schema/subgraphs';
import { npmRun } from './harness';

const SUBGRAPHS = listSubgraphs().map((s) => s.name);
const VARIABLES = ['HUB_IDENTITY_SECRET', ...SUBGRAPHS.map(identityKeyVariable), 'POSTGRES_PASSWORD'];

/** What the gateway signs with an .env's HUB_IDENTITY_SECRET, each subgraph verifies with its own key from that .env. */
async function expectWorkingPair(variables: Record<string, string>): Promise<void> {
  const sign = createIdentitySigner(variables.HUB_IDENTITY_SECRET);
  const viewer = { subject: 'someone', agency: 'judicial', scopes: ['judicial:cases'], regions: [] };
  for (const subgraph of SUBGRAPHS) {
    const verify = createIdentityVerifier({ audience: subgraph, key: variables[identityKeyVariable(subgraph)] });
    await expect(verify(sign({ viewer, requestId: 'r-1' }, { audience: subgraph, body: 'b', lifetimeMs: 5_000 }), 'b')).resolves.toMatchObject({ viewer, requestId: 'r-1' });
  }
}

describe('npm run keys', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hub-keys-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('writes .env with mode 0600 and only the variables; a second run refuses and changes nothing; --replace writes new ones and keeps the other lines', async () => {
    const file = path.join(dir, '.env');
    const first = await npmRun('keys', ['--file', file], process.env);
    expect(first).toMatchObject({ code: 0, stdout: expect.not.stringContaining('HUB_IDENTITY') });
    expect(first.stderr).toContain(`added ${VARIABLES.join(', ')}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text.trim().split('\n').map((line) => line.replace(/=.*/, ''))).toEqual(VARIABLES);
    const written = parse(text);
    expect(Object.keys(written)).toEqual(VARIABLES);
    expect(written.POSTGRES_PASSWORD).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await expectWorkingPair(written);

    const second = await npmRun('keys', ['--file', file], process.env);
    expect(second).toMatchObject({ code: 1, stderr: expect.stringContaining(`already has ${VARIABLES.join(', ')}: nothing written`) });
    expect(readFileSync(file, 'utf8')).toBe(text);

    // An operator's own lines, and a file others could read.
    writeFileSync(file, `# mine\nAUTH_ISSUER=https://idp.example.org/\n${text}`);
    chmodSync(file, 0o644);
    const replaced = await npmRun('keys', ['--file', file, '--replace'], process.env);
    expect(replaced.code).toBe(0);
    expect(replaced.stderr).toContain('was readable by others');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const rotated = parse(readFileSync(file, 'utf8'));
    expect(Object.keys(rotated).sort()).toEqual(['AUTH_ISSUER', ...VARIABLES].sort());
    expect(rotated.AUTH_ISSUER).toBe('https://idp.example.org/');
    expect(readFileSync(file, 'utf8')).toMatch(/^# mine\n/);
    for (const name of VARIABLES) expect(rotated[name]).not.toBe(written[name]);
    await expectWorkingPair(rotated);
  });

  test('a file with HUB_IDENTITY_SECRET but without a subgraph\'s key (a subgraph added since) gets that key, derived from its secret', async () => {
    const file = path.join(dir, 'added.env');
    expect((await npmRun('keys', ['--file', file], process.env)).code).toBe(0);
    const full = parse(readFileSync(file, 'utf8'));
    const dropped = identityKeyVariable(SUBGRAPHS[1]);
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').filter((line) => !line.startsWith(`${dropped}=`)).join('\n'), { mode: 0o600 });
    const run = await npmRun('keys', ['--file', file], process.env);
    expect(run).toMatchObject({ code: 0, stderr: expect.stringContaining(`added ${dropped}`) });
    expect(parse(readFileSync(file, 'utf8'))).toEqual(full);
  });

  test('a file that has some of the variables already is refused whole', async () => {
    const file = path.join(dir, 'partial.env');
    writeFileSync(file, 'POSTGRES_PASSWORD=chosen-by-hand\n', { mode: 0o600 });
    const run = await npmRun('keys', ['--file', file], process.env);
    expect(run).toMatchObject({ code: 1, stderr: expect.stringContaining('already has POSTGRES_PASSWORD: nothing written') });
    expect(readFileSync(file, 'utf8')).toBe('POSTGRES_PASSWORD=chosen-by-hand\n');
  });

  test('--print prints the variables and nothing else', async () => {
    const printed = await npmRun('keys', ['--print'], process.env);
    expect(printed.code).toBe(0);
    const lines = printed.stdout.trim().split('\n');
    expect(lines.map((line) => line.replace(/=.*/, ''))).toEqual(VARIABLES);
    for (const line of lines) expect(line).toMatch(/^[A-Z_]+="[^"\n]+"$/);
    await expectWorkingPair(parse(printed.stdout));
  });
});
