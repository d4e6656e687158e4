// How every mutation writes (contract/write.graphql, "Rules every mutation
// keeps"): the owning agency's write scope covering the record's region
// (checked by platform/access/checks.ts: requireWriteScope, requireWriteAccess); one
// transaction holding the change and its audit record; `requestId` making a
// create idempotent (same id and input: the first record, nothing written;
// same id, other input: CONFLICT), also when the same request arrives twice at
// once. A requestId belongs to its caller (the token's `sub` with its
// `agency`): two callers never collide, and no caller learns whether another
// used an id.
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Migration, type Transaction } from 'kysely';
import { auditRow, type AuditedRecord } from './audit';
import { badUserInput, hubError } from '../core/errors';
import type { Viewer } from '../core/viewer';

export const requestLogMigration: Migration = {
  async up(db) {
    await db.schema
      .createTable('hub_request')
      .addColumn('operation', 'text', (col) => col.notNull())
      .addColumn('request_id', 'text', (col) => col.notNull())
      .addColumn('input_hash', 'text', (col) => col.notNull())
      .addColumn('record_id', 'text', (col) => col.notNull())
      .addColumn('subject', 'text')
      .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('hub_request_pk', ['operation', 'request_id'])
      .execute();
  },
};

/** requestIds scoped to the caller: the claim's key is (operation, subject, agency, request_id). */
export const requestPerCallerMigration: Migration = {
  async up(db) {
    await sql`update hub_request set subject = '' where subject is null`.execute(db);
    await sql`alter table hub_request alter column subject set default ''`.execute(db);
    await sql`alter table hub_request alter column subject set not null`.execute(db);
    await sql`alter table hub_request add column agency text not null default ''`.execute(db);
    await sql`alter table hub_request drop constraint hub_request_pk`.execute(db);
    await sql`alter table hub_request add constraint hub_request_pk primary key (operation, subject, agency, request_id)`.execute(db);
  },
};

/** The caller's part of a requestId's key: the token's subject and agency ('' when absent). */
export function requestCaller(viewer: Viewer): { subject: string; agency: string } {
  return { subject: viewer.subject ?? '', agency: viewer.agency ?? '' };
}

// Kysely<any>: hub_request and hub_audit are the platform's tables in every subgraph's database.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDB = Kysely<any>;

export interface WriteContext<DB> {
  db: Kysely<DB>;
  viewer: Viewer;
  requestId: string;
}

export type WriteRecord = AuditedRecord;

async function auditWrite(trx: AnyDB, ctx: WriteContext<unknown>, record: WriteRecord): Promise<void> {
  await trx.insertInto('hub_audit').values(auditRow(ctx.viewer, ctx.requestId, 'WRITE', record)).execute();
}

/**
 * One write in one transaction with its audit record. `change` does the
 * writing and says what it wrote; if anything fails, nothing is written.
 */
export async function writeWithAudit<DB, T>(
  ctx: WriteContext<DB>,
  change: (trx: Transaction<DB>) => Promise<{ result: T; record: WriteRecord }>,
): Promise<T> {
  return ctx.db.transaction().execute(async (trx) => {
    const { result, record } = await change(trx);
    await auditWrite(trx as unknown as AnyDB, ctx as WriteContext<unknown>, record);
    return result;
  });
}

/** A stable hash of a create's input without its requestId: the same request sent again hashes the same. */
export function inputHash(input: object): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([key, v]) => key !== 'requestId' && v !== undefined && v !== null)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, v]) => [key, canonical(v)]),
      );
    }
    return value;
  };
  return createHash('sha256').update(JSON.stringify(canonical(input))).digest('hex');
}

export interface CreateRequest {
  /** The mutation, e.g. recordMediationCase: requestIds are unique per operation. */
  operation: string;
  requestId: string;
  /** The whole input, requestId included (it is left out of the comparison). */
  input: object;
  recordType: string;
  fields: string[];
}

/**
 * An idempotent create in its own transaction. The request is claimed first
 * (a row in hub_request, keyed by operation, caller and requestId): a second request
 * with the same id waits for the first's transaction on that key, then finds
 * it and returns the same record id without writing; with different input it
 * is CONFLICT. Returns the record id.
 */
export async function idempotentCreate<DB>(ctx: WriteContext<DB>, request: CreateRequest, create: (trx: Transaction<DB>) => Promise<string>): Promise<string> {
  return ctx.db.transaction().execute((trx) => createInTransaction(trx, ctx, request, create));
}

/** idempotentCreate inside a transaction the caller holds (a bulk import writes all its rows in one). */
export async function createInTransaction<DB>(
  trx: Transaction<DB>,
  ctx: WriteContext<DB>,
  request: CreateRequest,
  create: (trx: Transaction<DB>) => Promise<string>,
): Promise<string> {
  const requestId = request.requestId.trim();
  if (requestId === '' || requestId.length > 100) throw badUserInput('input.requestId', 'must be 1 to 100 characters');
  const hash = inputHash(request.input);
  const tx = trx as unknown as AnyDB;
  const caller = requestCaller(ctx.viewer);
  const claimed = await tx
    .insertInto('hub_request')
    .values({ operation: request.operation, request_id: requestId, input_hash: hash, record_id: '', ...caller })
    .onConflict((oc) => oc.columns(['operation', 'subject', 'agency', 'request_id']).doNothing())
    .returning('request_id')
    .execute();
  if (claimed.length === 0) {
    const earlier = await tx
      .selectFrom('hub_request')
      .select(['input_hash', 'record_id'])
      .where('operation', '=', request.operation)
      .where('subject', '=', caller.subject)
      .where('agency', '=', caller.agency)
      .where('request_id', '=', requestId)
      .executeTakeFirstOrThrow();
    if (earlier.input_hash !== hash) {
      throw hubError('CONFLICT', `input.requestId: ${requestId} was used before with other input`, { field: 'input.requestId' });
    }
    return earlier.record_id as string;
  }
  const recordId = await create(trx);
  await tx
    .updateTable('hub_request')
    .set({ record_id: recordId })
    .where('operation', '=', request.operation)
    .where('subject', '=', caller.subject)
    .where('agency', '=', caller.agency)
    .where('request_id', '=', requestId)
    .execute();
  await auditWrite(tx, ctx as WriteContext<unknown>, { recordType: request.recordType, recordId, fields: request.fields });
  return recordId;
}
