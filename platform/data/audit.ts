// The audit trail every subgraph keeps in its own database: each read of
// personal data (and, with the write API, each write) leaves a record of who,
// when, which record, which fields and through which request. Reads are
// recorded in one multi-row insert per batch, before the data is returned: if
// the record cannot be written, the personal data is not returned.
import DataLoader from 'dataloader';
import { sql, type Kysely, type Migration } from 'kysely';
import { hasScope } from '../access/checks';
import { countsByParent, pagesByParent, type Filter } from './connections';
import { forbidden } from '../core/errors';
import { readPage, toConnection, type Connection, type PageArgs } from './pagination';
import { allOf, checkPeriod, equalTo, type Period } from './period';
import type { Viewer } from '../core/viewer';

export const auditMigration: Migration = {
  async up(db) {
    await db.schema
      .createTable('hub_audit')
      .addColumn('id', 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('subject', 'text')
      .addColumn('agency', 'text')
      .addColumn('action', 'text', (col) => col.notNull().check(sql`action in ('READ', 'WRITE')`))
      .addColumn('record_type', 'text', (col) => col.notNull())
      .addColumn('record_id', 'text', (col) => col.notNull())
      .addColumn('fields', sql`text[]`, (col) => col.notNull())
      .addColumn('request_id', 'text', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('hub_audit_record_idx').on('hub_audit').columns(['record_type', 'record_id']).execute();
    await db.schema.createIndex('hub_audit_subject_idx').on('hub_audit').columns(['subject', 'id']).execute();
  },
};

export interface AuditRow {
  id: number;
  at: Date | string;
  subject: string | null;
  agency: string | null;
  action: 'READ' | 'WRITE';
  record_type: string;
  record_id: string;
  fields: string[];
  request_id: string;
}

/** Which record an audit record is about, and which of its fields were read or written. */
export interface AuditedRecord {
  recordType: string;
  recordId: string;
  fields: string[];
}

export type AuditedRead = AuditedRecord;

/** The hub_audit row of one read or write by the viewer, within the gateway's request. */
export function auditRow(viewer: Viewer, requestId: string, action: 'READ' | 'WRITE', record: AuditedRecord) {
  return {
    subject: viewer.subject,
    agency: viewer.agency,
    action,
    record_type: record.recordType,
    record_id: record.recordId,
    fields: record.fields,
    request_id: requestId,
  };
}

// Kysely<any>: the audit table is the platform's, in every subgraph's database.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDB = Kysely<any>;

/** A per-request loader: `load(read)` resolves once the read is on record (one insert per batch). */
export function createReadAudit(db: AnyDB, viewer: Viewer, requestId: string): DataLoader<AuditedRead, true, string> {
  return new DataLoader<AuditedRead, true, string>(
    async (reads) => {
      await db
        .insertInto('hub_audit')
        .values(reads.map((read) => auditRow(viewer, requestId, 'READ', read)))
        .execute();
      return reads.map(() => true as const);
    },
    { cacheKeyFn: (read) => JSON.stringify([read.recordType, read.recordId, read.fields]) },
  );
}

export interface AuditFilter {
  recordType?: string | null;
  recordId?: string | null;
  subject?: string | null;
  at?: Period | null;
}

const auditList = { table: 'hub_audit', join: { kind: 'all' }, key: 'id', keyKind: 'integer' } as const;
const ALL = '*';

/** The audit records an agency's auditors may list (scope `<agency>:audit`), oldest first. */
export async function listAuditRecords(
  db: AnyDB,
  viewer: Viewer,
  scope: string,
  args: PageArgs & { filter?: AuditFilter | null },
): Promise<Connection<AuditRow>> {
  if (!hasScope(viewer, scope)) throw forbidden(`audit records need the scope ${scope}`);
  const page = readPage(args);
  const f = args.filter ?? {};
  const period = checkPeriod(f.at, 'filter.at');
  const filter: Filter | undefined = allOf(
    equalTo('record_type', f.recordType),
    equalTo('record_id', f.recordId),
    equalTo('subject', f.subject),
    period?.from != null ? (eb) => eb('t.at', '>=', sql`${period.from}::date`) : undefined,
    period?.to != null ? (eb) => eb('t.at', '<', sql`${period.to}::date + 1`) : undefined,
  );
  const pages = await pagesByParent<AuditRow>(db, auditList, [ALL], page, filter);
  return toConnection(pages.get(ALL)!, page, (row) => row.id, async () => (await countsByParent(db, auditList, [ALL], filter)).get(ALL)!);
}

/** Resolvers of the shared AuditRecord type. */
export const AuditRecordResolvers = {
  at: (row: AuditRow) => (row.at instanceof Date ? row.at : new Date(row.at)).toISOString(),
  recordType: (row: AuditRow) => row.record_type,
  recordId: (row: AuditRow) => row.record_id,
  requestId: (row: AuditRow) => row.request_id,
};
