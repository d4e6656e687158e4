// The embedded default keeps what it is given (issue 17): a PGlite data
// folder survives a stop (SIGINT and SIGKILL), one process owns a folder,
// `npm run reset` starts afresh, `npm start` waits for every subgraph before
// the gateway and its services exit when it is killed, and the gateway is
// ready only once its subgraphs have started. Real processes on temporary
// folders and free ports, never the project's own .data.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import path from 'node:path';
import { DataFolderLockedError, lockDataFolder, processStartOf } from '../platform/data/data-lock';
import { npmRun, postGraphQL, signToken, type TokenClaims } from './harness';
import { eventually, freePort, killProcess, serviceEnv, startServiceProcess, type ServiceProcess } from './processes';

const ROOT = path.join(__dirname, '..');
const WRITER: TokenClaims = { sub: 'durable-clerk', agency: 'education', scope: 'education:write', regions: ['652900'] };
const VILLAGE = '652922100201';
const RECORD = `mutation($input: RecordEducationEventInput!) { recordEducationEvent(input: $input) { id title heldOn } }`;

let dataRoot: string;
beforeAll(() => {
  dataRoot = mkdtempSync(path.join(tmpdir(), 'hub-durable-'));
});
afterAll(() => {
  rmSync(dataRoot, { recursive: true, force: true });
});

/** Whether a process still runs (a zombie, exited but not yet reaped, does not). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The pids of a process's children (Linux /proc). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the command name: state, then the parent's pid.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return children;
}

/** Runs test/fixtures/lock-holder.ts: tries to lock `folder`, holds it for holdMs. */
function lockHolder(folder: string, holdMs = 1500): Promise<{ got: boolean; pid: number; error?: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'fixtures', 'lock-holder.ts'), folder],
      { cwd: ROOT, env: { ...process.env, HOLD_MS: String(holdMs) } },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout.trim()))),
    );
  });
}

describe('the data folder lock', () => {
  test('a second opener is refused with the holder named: pid, command, since when', () => {
    const folder = path.join(dataRoot, 'lock-twice');
    const lock = lockDataFolder(folder);
    let refused: unknown;
    try {
      lockDataFolder(folder);
    } catch (error) {
      refused = error;
    } finally {
      lock.release();
    }
    expect(refused).toBeInstanceOf(DataFolderLockedError);
    expect((refused as DataFolderLockedError).holder).toMatchObject({ pid: process.pid, hostname: hostname(), since: lock.holder.since });
    expect((refused as Error).message).toContain(`${folder} is in use by process ${process.pid} (`);
    expect((refused as Error).message).toContain(`since ${lock.holder.since}`);
    expect(existsSync(`${folder}.lock`)).toBe(false);
    lockDataFolder(folder).release();
  });

  test('another process is refused while the holder runs, and gets the folder once it is released', async () => {
    const folder = path.join(dataRoot, 'lock-process');
    const lock = lockDataFolder(folder);
    const refused = await lockHolder(folder, 0);
    expect(refused.got).toBe(false);
    expect(refused.error).toContain(`in use by process ${process.pid}`);
    lock.release();
    expect((await lockHolder(folder, 0)).got).toBe(true);
  });

  test('a lock left by a process that died is taken over', async () => {
    const folder = path.join(dataRoot, 'lock-dead');
    // A real process that held the lock and was killed (SIGKILL: no chance to release it).
    const holder = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'lock-holder.ts'), folder], {
      cwd: ROOT,
      env: { ...process.env, HOLD_MS: '60000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve) => holder.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    expect(JSON.parse(line)).toMatchObject({ got: true, pid: holder.pid });
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(JSON.parse(readFileSync(`${folder}.lock`, 'utf8')).pid).toBe(holder.pid);
    const lock = lockDataFolder(folder);
    expect(JSON.parse(readFileSync(`${folder}.lock`, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  test('a lock whose pid now belongs to another process (started later) is taken over; one from another host is not', () => {
    const folder = path.join(dataRoot, 'lock-recycled');
    const recycled = { pid: process.pid, hostname: hostname(), command: 'gone', since: '2020-01-01T00:00:00.000Z', processStart: `${processStartOf(process.pid)}0` };
    writeFileSync(`${folder}.lock`, JSON.stringify(recycled));
    lockDataFolder(folder).release();

    const elsewhere = { ...recycled, hostname: `${hostname()}-other`, processStart: undefined };
    writeFileSync(`${folder}.lock`, JSON.stringify(elsewhere));
    expect(() => lockDataFolder(folder)).toThrow(/in use by process \d+ on host .*-other .*cannot be checked/);
    rmSync(`${folder}.lock`);
  });

  test('of four processes taking over one stale lock at once, exactly one gets it', async () => {
    const folder = path.join(dataRoot, 'lock-race');
    // A holder that is surely gone: a pid above the kernel's limit.
    writeFileSync(`${folder}.lock`, JSON.stringify({ pid: 2 ** 22 + 1, hostname: hostname(), command: 'gone', since: '2020-01-01T00:00:00.000Z' }));
    const results = await Promise.all([1, 2, 3, 4].map(() => lockHolder(folder, 3000)));
    expect(results.filter((r) => r.got)).toHaveLength(1);
    const winner = results.find((r) => r.got)!.pid;
    for (const loser of results.filter((r) => !r.got)) expect(loser.error).toMatch(new RegExp(`in use by process ${winner} |taking the folder over`));
  });
});

describe('a subgraph on a data folder keeps what it is given (real processes)', () => {
  let folderRoot: string;
  let env: NodeJS.ProcessEnv;
  let education: ServiceProcess | undefined;
  let gateway: ServiceProcess | undefined;
  let token: string;
  const record = (input: Record<string, unknown>) => postGraphQL<{ recordEducationEvent: { id: string; title: string } }>(gateway!.url, { query: RECORD, variables: { input } }, { authorization: `Bearer ${token}` });
  const find = (id: string) => postGraphQL<{ educationEvent: { id: string; title: string } | null }>(gateway!.url, { query: `{ educationEvent(id: "${id}") { id title } }` });
  const eventInput = (requestId: string, title: string) => ({ requestId, title, theme: 'CIVIL_CODE', format: 'LECTURE', heldOn: '2023-05-04', regionCode: VILLAGE, attendees: 40, languages: ['Uyghur'] });
  const serial = (id: string) => Number(id.replace(/^EE-/, ''));

  beforeAll(async () => {
    folderRoot = path.join(dataRoot, 'subgraph');
    const port = await freePort();
    const nowhere = `http://127.0.0.1:${await freePort()}/graphql`;
    env = serviceEnv({ PGLITE_DATA_DIR: folderRoot, EDUCATION_PORT: String(port) });
    education = await startServiceProcess('education', env);
    gateway = await startServiceProcess(
      'gateway',
      serviceEnv({ GATEWAY_PORT: '0', EDUCATION_URL: education.url, JUDICIAL_URL: nowhere, LEGAL_AID_URL: nowhere, PARTNERS_URL: nowhere, GATEWAY_STARTUP_WAIT_FOR: 'education', GATEWAY_SUPERGRAPH_WATCH: 'off' }),
    );
    token = await signToken(WRITER, { expiresIn: '1h' });
  }, 240_000);

  afterAll(async () => {
    await killProcess(gateway);
    await killProcess(education);
  });

  /** Stops education with `signal`, starts it again on the same folder and port. */
  async function restart(signal: NodeJS.Signals): Promise<ServiceProcess> {
    education!.child.kill(signal);
    const exit = await education!.exited;
    expect(signal === 'SIGKILL' ? exit.signal : exit.code).toBe(signal === 'SIGKILL' ? 'SIGKILL' : 0);
    education = await startServiceProcess('education', env);
    return education;
  }

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    test(`after ${signal} and a start: the record is there, ids continue, the same requestId returns the same record`, async () => {
      const first = await record(eventInput(`durable-${signal}-1`, `Kept through ${signal}`));
      expect(first.errors).toBeUndefined();
      const kept = first.data!.recordEducationEvent;

      const restarted = await restart(signal);
      // Not seeded again: the folder's data was kept.
      const messages = restarted.logs.map((l) => String(l.msg));
      expect(messages).toContain('database already seeded (scale 0.01); keeping its data');
      expect(messages.filter((m) => m.startsWith('seeding'))).toEqual([]);

      expect((await find(kept.id)).data!.educationEvent).toEqual({ id: kept.id, title: `Kept through ${signal}` });
      const again = await record(eventInput(`durable-${signal}-1`, `Kept through ${signal}`));
      expect(again.errors).toBeUndefined();
      expect(again.data!.recordEducationEvent).toEqual(kept);
      const next = await record(eventInput(`durable-${signal}-2`, `After ${signal}`));
      expect(next.errors).toBeUndefined();
      // Never an id given out before. After a crash PostgreSQL skips the sequence values it had logged ahead (at most 32).
      if (signal === 'SIGINT') expect(serial(next.data!.recordEducationEvent.id)).toBe(serial(kept.id) + 1);
      else expect(serial(next.data!.recordEducationEvent.id) - serial(kept.id)).toBeGreaterThanOrEqual(1);
      expect(serial(next.data!.recordEducationEvent.id) - serial(kept.id)).toBeLessThanOrEqual(33);
    }, 240_000);
  }

  test('a second process on the held folder is refused with the holder named; so is npm run reset', async () => {
    const second = await startServiceProcess('education', { ...env, EDUCATION_PORT: '0' }).then(
      () => 'started',
      (error: Error) => error.message,
    );
    const folder = path.join(folderRoot, 'education');
    expect(second).toContain(`education failed to start: ${folder} is in use by process ${education!.pid} (`);
    expect(second).toMatch(/start-subgraph\.ts education\) since \d{4}-\d\d-\d\dT/);
    const reset = await npmRun('reset', [], env);
    expect(reset.code).toBe(1);
    expect(reset.stderr).toContain(`education: ${folder} is in use by process ${education!.pid}`);
    // The holder is untouched and still answers.
    expect((await find('EE-00000001')).data!.educationEvent).toMatchObject({ id: 'EE-00000001' });
  }, 120_000);

  test('npm run reset, once the subgraph is stopped, starts afresh: the next start seeds again and the records are gone', async () => {
    const written = await record(eventInput('durable-reset', 'Gone after a reset'));
    expect(written.errors).toBeUndefined();
    education!.child.kill('SIGTERM');
    expect((await education!.exited).code).toBe(0);
    const reset = await npmRun('reset', [], env);
    expect({ code: reset.code, stderr: reset.stderr }).toEqual({ code: 0, stderr: '' });
    expect(reset.stdout).toContain(`education: removed ${path.join(folderRoot, 'education')}; the next start seeds it afresh`);
    expect(reset.stdout).toContain(`judicial: no data in ${path.join(folderRoot, 'judicial')}`);
    expect(existsSync(path.join(folderRoot, 'education'))).toBe(false);

    education = await startServiceProcess('education', env);
    expect(education.logs.map((l) => String(l.msg))).toContain('seeding 300 education events');
    expect((await find(written.data!.recordEducationEvent.id)).data!.educationEvent).toBeNull();
  }, 240_000);
});

describe('the gateway is ready once every subgraph has started (real processes)', () => {
  test('503 naming the subgraph it waits for; 200 once it started; still 200 when it goes down afterwards', async () => {
    const port = await freePort();
    const nowhere = `http://127.0.0.1:${await freePort()}/graphql`;
    let judicial: ServiceProcess | undefined;
    const gateway = await startServiceProcess(
      'gateway',
      serviceEnv({ GATEWAY_PORT: '0', JUDICIAL_URL: `http://127.0.0.1:${port}/graphql`, LEGAL_AID_URL: nowhere, EDUCATION_URL: nowhere, PARTNERS_URL: nowhere, GATEWAY_STARTUP_WAIT_FOR: 'judicial', GATEWAY_SUPERGRAPH_WATCH: 'off' }),
    );
    try {
      const ready = async () => {
        const response = await fetch(`${gateway.admin}/ready`);
        return { status: response.status, body: (await response.json()) as { ready: boolean; waitingFor?: string[] } };
      };
      expect(await ready()).toMatchObject({ status: 503, body: { ready: false, waitingFor: ['judicial'] } });
      judicial = await startServiceProcess('judicial', serviceEnv({ JUDICIAL_PORT: String(port) }));
      expect(await ready()).toMatchObject({ status: 200, body: { ready: true } });
      expect((await ready()).body.waitingFor).toBeUndefined();
      await killProcess(judicial);
      expect((await ready()).status).toBe(200);
    } finally {
      await killProcess(judicial);
      await killProcess(gateway);
    }
  }, 180_000);
});

describe('npm start (real processes)', () => {
  interface Launcher {
    child: ChildProcess;
    output(): string;
    ports: Record<string, number>;
  }

  async function launch(dataDir: string): Promise<Launcher> {
    const ports = { GATEWAY_PORT: await freePort(), JUDICIAL_PORT: await freePort(), LEGAL_AID_PORT: await freePort(), EDUCATION_PORT: await freePort(), PARTNERS_PORT: await freePort() };
    const env = serviceEnv({ PGLITE_DATA_DIR: dataDir, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'start.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, output: () => output, ports };
  }

  /** SIGKILLs the launcher; every service it started must be gone within 5 s. */
  async function killLauncher(launcher: Launcher): Promise<void> {
    const services = childrenOf(launcher.child.pid!);
    expect(services.length).toBeGreaterThan(0);
    launcher.child.kill('SIGKILL');
    try {
      await eventually(() => services.every((pid) => !isRunning(pid)), 5_000, 100);
    } finally {
      for (const pid of services.filter(isRunning)) process.kill(pid, 'SIGKILL');
    }
  }

  const figures = `{ region(code: "650000") { judicialStats { mediationCases } legalAidStats { applications } educationStats { events } revitalizationStats { projects } } }`;

  test('killed while the subgraphs seed their new folders: every service exits within 5 s, and the next start finishes the seed', async () => {
    const dataDir = path.join(dataRoot, 'launcher');
    const first = await launch(dataDir);
    try {
      await eventually(() => /seeding|copying a fresh|making a fresh/.test(first.output()), 180_000, 50);
      await killLauncher(first);
    } finally {
      first.child.kill('SIGKILL');
    }

    const second = await launch(dataDir);
    try {
      await eventually(() => second.output().includes('The hub is ready'), 240_000, 200);
      const response = await postGraphQL<Record<string, any>>(`http://127.0.0.1:${second.ports.GATEWAY_PORT}/graphql`, { query: figures });
      expect(response.errors).toBeUndefined();
      // Complete seeds at SEED_SCALE 0.01.
      expect(response.data!.region).toEqual({
        judicialStats: { mediationCases: 200 },
        legalAidStats: { applications: 300 },
        educationStats: { events: 300 },
        revitalizationStats: { projects: 300 },
      });
      await killLauncher(second);
    } finally {
      second.child.kill('SIGKILL');
    }
  }, 600_000);

  test('says where the data lives and what it waits for; the gateway starts after every subgraph, so an early query reaches no gateway', async () => {
    const dataDir = path.join(dataRoot, 'launcher');
    const launcher = await launch(dataDir);
    try {
      const gatewayUrl = `http://127.0.0.1:${launcher.ports.GATEWAY_PORT}/graphql`;
      await eventually(() => launcher.output().includes('waiting for education, judicial, legal-aid, partners'), 60_000, 50);
      // While the subgraphs start, nothing listens on the gateway's port: the query is refused, not answered with breaker errors.
      await expect(postGraphQL(gatewayUrl, { query: figures })).rejects.toThrow();
      await eventually(() => launcher.output().includes('The hub is ready'), 240_000, 200);
      const output = launcher.output();
      expect(output).toContain(`Data: PGlite in ${dataDir}/<subgraph>, kept between starts (the first start seeds it; \`npm run reset\` starts afresh)`);
      const gatewayStarts = output.indexOf('every subgraph is ready: starting the gateway');
      expect(output.indexOf('gateway    ready')).toBeGreaterThan(gatewayStarts);
      for (const name of ['education', 'judicial', 'legal-aid', 'partners']) {
        expect(output).toContain(`${name}`.padEnd(10) + ' database already seeded (scale 0.01); keeping its data');
        expect(output.indexOf(`${name}`.padEnd(10) + ' ready')).toBeLessThan(gatewayStarts);
      }
      expect((await postGraphQL(gatewayUrl, { query: figures })).errors).toBeUndefined();
      // Warnings and errors of the services are shown with '!': none.
      expect(output).not.toMatch(/^! /m);
      await killLauncher(launcher);
    } finally {
      launcher.child.kill('SIGKILL');
    }
  }, 300_000);
});
