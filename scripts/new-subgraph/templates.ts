// The files `npm run new-subgraph` writes for a new agency: a working subgraph
// shaped like the four (SDL extending Region with a stats field, its scopes, a
// migration, a seed, loaders, resolvers, its definition) and its test. Each
// template is the file as the agency will read and change it.
export interface Names {
  /** kebab-case, the subgraph's name: `land-registry`. */
  name: string;
  /** PascalCase: `LandRegistry`. */
  pascal: string;
  /** camelCase: `landRegistry`. */
  camel: string;
  /** snake_case: `land_registry` (tables, the PostgreSQL database). */
  snake: string;
  /** Its variables' prefix: `LAND_REGISTRY`. */
  env: string;
  port: number;
}

export function namesOf(name: string, port: number): Names {
  const words = name.split('-');
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return { name, pascal, camel: pascal[0].toLowerCase() + pascal.slice(1), snake: words.join('_'), env: words.join('_').toUpperCase(), port };
}

/** Path (relative to the project) -> content. */
export function subgraphFiles(n: Names): Record<string, string> {
  const dir = `subgraphs/${n.name}`;
  return {
    [`${dir}/schema.graphql`]: schemaFile(n),
    [`${dir}/scopes.ts`]: scopesFile(n),
    [`${dir}/database.ts`]: databaseFile(n),
    [`${dir}/models.ts`]: modelsFile(n),
    [`${dir}/migrations/0001-initial.ts`]: migrationFile(n),
    [`${dir}/seed.ts`]: seedFile(n),
    [`${dir}/loaders.ts`]: loadersFile(n),
    [`${dir}/resolvers/region.ts`]: regionResolversFile(n),
    [`${dir}/resolvers/index.ts`]: resolversIndexFile(),
    [`${dir}/subgraph.ts`]: definitionFile(n),
    [`test/${n.name}.test.ts`]: testFile(n),
  };
}

/** The SDL: Region extended with the agency's stats field. */
function schemaFile(n: Names): string {
  return `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

# The ${n.name} subgraph (made by \`npm run new-subgraph\`): ${n.pascal} records,
# each kept in a village or a township, and their figures on every region.
# Date, DateRange, PageInfo, Person, the audit record types...: platform/server/shared.graphql.

# An administrative division (the judicial subgraph owns the directory and the
# type's description); this subgraph adds its figures.
type Region @key(fields: "code") {
  code: ID!
  "${n.pascal} figures within this region; records count by the day they were recorded, within \`period\` when given."
  ${n.camel}Stats(period: DateRange): ${n.pascal}Stats
}

"${n.pascal} figures of a region."
type ${n.pascal}Stats {
  "Records within the region (its villages and townships), recorded within the period."
  records: Int!
}
`;
}

/** Its scopes: every scope its checks name. */
function scopesFile(n: Names): string {
  return `// The ${n.name} agency's scopes (DESIGN.md, "Access"): every scope its checks
// name, here and nowhere else. A write needs WRITE_SCOPE covering the record's
// region (requireWriteScope, requireWriteAccess: platform/access/checks.ts);
// protected data gets scopes of its own, as the judicial agency's:
// \`${n.name}:cases\` for case records, \`${n.name}:pii\` for personal data and
// \`${n.name}:audit\` for its audit records (hasScope, requireRecordAccess).
export const WRITE_SCOPE = '${n.name}:write';
`;
}

/** The tables, as kysely sees them. */
function databaseFile(n: Names): string {
  return `// The ${n.name} subgraph's tables, as kysely sees them. Region codes are
// references to the judicial subgraph's directory, kept as plain values.
import type { Generated } from 'kysely';

export interface ${n.pascal}RecordTable {
  id: Generated<string>;
  title: string;
  /** A village (12 digits) or a township itself (9 digits). */
  region_code: string;
  recorded_on: string;
}

export interface ${n.pascal}Database {
  ${n.snake}_record: ${n.pascal}RecordTable;
}
`;
}

/** The codegen mappers and the request context. */
function modelsFile(n: Names): string {
  return `// What the ${n.name} resolvers pass around for each GraphQL type (codegen
// mappers, see codegen.ts), and the request context.
import type { SubgraphContext } from '../../platform/server/subgraph';
import type { ${n.pascal}Database } from './database';
import type { ${n.pascal}Loaders } from './loaders';

export type Context = SubgraphContext<${n.pascal}Database, ${n.pascal}Loaders>;

/** Region is owned by judicial: this subgraph only needs its code. */
export type RegionModel = { code: string };
`;
}

/** The first migration: the records table and its index. */
function migrationFile(n: Names): string {
  return `// The ${n.name} records. Division codes use COLLATE "C" so that "within a
// region" (a code range) is an index range scan.
import { sql, type Kysely, type Migration } from 'kysely';

export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('${n.snake}_record')
      .addColumn('id', 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('region_code', sql\`text collate "C"\`, (col) => col.notNull().check(sql\`region_code ~ '^[0-9]{9}([0-9]{3})?$'\`))
      .addColumn('recorded_on', 'date', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('${n.snake}_record_region_idx').on('${n.snake}_record').columns(['region_code', 'recorded_on']).execute();
  },
};
`;
}

/** The demo data. */
function seedFile(n: Names): string {
  return `// Demo data, the same on every machine: ${n.pascal} records in villages of
// the shared region directory, dated 2020-2023, 10,000 per unit of SEED_SCALE.
import { createRandom, randomDate } from '../../platform/core/random';
import { regionsAtLevel } from '../../platform/core/region-directory';
import type { Seeder } from '../../platform/data/seed';
import type { ${n.pascal}Database } from './database';

export const seed${n.pascal}: Seeder<${n.pascal}Database> = async (_db, { scale, progress, load }) => {
  const random = createRandom('${n.name}');
  const villages = regionsAtLevel('VILLAGE');
  const rows = Array.from({ length: Math.round(10_000 * scale) }, (_, i) => ({
    title: \`${n.pascal} record \${i + 1}\`,
    region_code: random.pick(villages).code,
    recorded_on: randomDate(random, '2020-01-01', '2023-12-31'),
  }));
  await load('${n.snake}_record', rows);
  progress(\`seeded \${rows.length} records\`);
};
`;
}

/** The per-request loaders. */
function loadersFile(n: Names): string {
  return `// Per-request DataLoaders of the ${n.name} subgraph: one SQL statement per batch.
import { sql, type Kysely } from 'kysely';
import { aggregatesByParent } from '../../platform/data/connections';
import { periodLoader } from '../../platform/data/loaders';
import { periodFilter } from '../../platform/data/period';
import type { Viewer } from '../../platform/core/viewer';
import type { ${n.pascal}Database } from './database';
import type { ${n.pascal}Stats } from './generated/resolvers-types';

const recordsByRegion = { table: '${n.snake}_record', join: { kind: 'region', column: 'region_code' } } as const;

export function create${n.pascal}Loaders(db: Kysely<${n.pascal}Database>, _viewer: Viewer) {
  return {
    /** A region's figures within a period: one statement per batch of regions. */
    stats: periodLoader<${n.pascal}Stats>(async (codes, period) => {
      const counts = await aggregatesByParent(db, recordsByRegion, codes, { records: sql\`count(*)\` }, periodFilter('recorded_on', period));
      return new Map(codes.map((code) => [code, { records: counts.get(code)!.records }]));
    }),
  };
}

export type ${n.pascal}Loaders = ReturnType<typeof create${n.pascal}Loaders>;
`;
}

/** The Region resolvers. */
function regionResolversFile(n: Names): string {
  return `import { checkPeriod } from '../../../platform/data/period';
import { levelOfCode } from '../../../platform/core/region-codes';
import type { RegionResolvers } from '../generated/resolvers-types';

export const Region: RegionResolvers = {
  // The judicial subgraph owns the directory: a region here is its code. A
  // code that is no division code is no region.
  __resolveReference: (reference) => {
    const code = String(reference.code);
    return levelOfCode(code) === null ? null : { code };
  },
  ${n.camel}Stats: (region, args, { loaders }) => loaders.stats.load({ parent: region.code, period: checkPeriod(args.period) }),
};
`;
}

/** The resolver map. */
function resolversIndexFile(): string {
  return `import type { Resolvers } from '../generated/resolvers-types';
import { Region } from './region';

export const resolvers: Resolvers = { Region };
`;
}

/** The subgraph's definition. */
function definitionFile(n: Names): string {
  return `// The ${n.name} subgraph, as the shared platform runs it.
import type { SubgraphDefinition } from '../../platform/server/subgraph';
import type { ${n.pascal}Database } from './database';
import { create${n.pascal}Loaders, type ${n.pascal}Loaders } from './loaders';
import { initial } from './migrations/0001-initial';
import { resolvers } from './resolvers';
import { seed${n.pascal} } from './seed';

export const ${n.camel}: SubgraphDefinition<${n.pascal}Database, ${n.pascal}Loaders> = {
  name: '${n.name}',
  defaultPort: ${n.port},
  directory: __dirname,
  resolvers,
  migrations: { '0001-initial': initial },
  seed: seed${n.pascal},
  createLoaders: create${n.pascal}Loaders,
};

export default ${n.camel};
`;
}

/** Its test, through the gateway beside judicial. */
function testFile(n: Names): string {
  return `// The ${n.name} subgraph through the gateway, beside judicial (which owns the
// region directory), on PGlite and PostgreSQL: a region's figures, a parent's
// equal to the sum of its children's, \`period\`, and a bad period refused.
import { startHub, type DatabaseKind, type Hub } from './harness';

describe.each<DatabaseKind>(['pglite', 'postgres'])('${n.name} on %s', (database) => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub({ database, only: ['judicial', '${n.name}'] });
  });
  afterAll(() => hub?.stop());

  const figures = async (code: string, period?: { from?: string; to?: string }) => {
    const { data, errors } = await hub.query(
      'query($code: ID!, $period: DateRange) { region(code: $code) { name ${n.camel}Stats(period: $period) { records } children { code ${n.camel}Stats(period: $period) { records } } } }',
      { code, period },
    );
    expect(errors).toBeUndefined();
    return data!.region;
  };

  test('a prefecture has records, as many as its counties together', async () => {
    const aksu = await figures('652900');
    expect(aksu.name).toBe('Aksu Prefecture');
    expect(aksu.${n.camel}Stats.records).toBeGreaterThan(0);
    expect(aksu.children.reduce((sum: number, child: any) => sum + child.${n.camel}Stats.records, 0)).toBe(aksu.${n.camel}Stats.records);
  });

  test('the four years add up to all records', async () => {
    const all = (await figures('650000')).${n.camel}Stats.records;
    let sum = 0;
    for (const year of [2020, 2021, 2022, 2023]) sum += (await figures('650000', { from: \`\${year}-01-01\`, to: \`\${year}-12-31\` })).${n.camel}Stats.records;
    expect(sum).toBe(all);
  });

  test('a period that ends before it starts is BAD_USER_INPUT naming period', async () => {
    const { errors } = await hub.query('{ region(code: "652900") { ${n.camel}Stats(period: { from: "2023-01-01", to: "2022-01-01" }) { records } } }');
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period' });
  });
});
`;
}
/** The docker-compose service, as the four are written: two replicas behind the compose HAProxy, no published port. */
export function composeService(n: Names): string {
  return `  ${n.name}:
    build: .
    image: rule-of-law-hub
    command: ["node", "dist/scripts/start-subgraph.js", "${n.name}"]
    environment:
      ${n.env}_PORT: "${n.port}"
      ADMIN_HOST: 0.0.0.0
      SHUTDOWN_DELAY_MS: "2000"
      ${n.env}_DATABASE_URL: postgres://postgres:\${POSTGRES_PASSWORD:?run npm run keys to write .env}@postgres:5432/${n.snake}
      SEED_SCALE: default
      ${n.env}_IDENTITY_KEY: \${${n.env}_IDENTITY_KEY:?run npm run keys to write .env}
      ${n.env}_REDIS_URL: redis://redis:6379
    deploy: { replicas: 2 }
    # SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS (8 s) and some, before docker kills it.
    stop_grace_period: 15s
    depends_on:
      postgres: { condition: service_healthy }
      redis: { condition: service_healthy }
    healthcheck:
      <<: *node-health
      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:${n.port + 100}/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

`;
}
