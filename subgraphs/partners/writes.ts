// The partners subgraph's writes (contract/write.graphql): the checks and the
// SQL of registerProject, updateProjectStatus and recordLegalReview. The
// mutations (resolvers/mutation.ts) and the CSV importer (`npm run import --
// partners <file.csv>`) use the same functions, so a row of a spreadsheet is
// refused for the same reasons as the same input sent to the API.
import type { Kysely, Transaction } from 'kysely';
import { inViewerRegions } from '../../platform/access/checks';
import { badUserInput, forbidden, hubError } from '../../platform/core/errors';
import type { CsvImporter } from '../../platform/data/import';
import { townshipOfOfficeId } from '../../platform/core/region-codes';
import { regionExists, requireAmount, requirePastDate, requireRegion, requireText } from '../../platform/core/validation';
import type { PartnersDatabase, ProjectRow } from './database';
import type { ProjectStatus, RegisterProjectInput } from './generated/resolvers-types';
import { projectIdNumber } from './ids';
import { WRITE_SCOPE } from './scopes';

const TITLE_MAX_LENGTH = 200;
/** Budgets above this are taken for typing errors (the column holds up to 10^12 - 0.01). */
const BUDGET_MAX_YUAN = 10_000_000_000;
/** What audit records name the written records. */
export const PROJECT_RECORD = 'Project';

type DB = Kysely<PartnersDatabase> | Transaction<PartnersDatabase>;

// ---------------------------------------------------------------------------
// registerProject

export type ProjectInput = RegisterProjectInput & { requestId: string };

/** A project to insert, its input checked and normalized. */
export interface CheckedProject {
  partnerId: string;
  villageCode: string;
  title: string;
  budgetYuan: number;
  startedOn: string | null;
  /** PLANNED, or IN_PROGRESS when the start date is given. */
  status: ProjectStatus;
}

/**
 * The input's own checks (no database). `prefix` is what errors put before
 * the field: `input.` for the mutation, nothing for a CSV column.
 */
export function checkProjectInput(input: ProjectInput, prefix = 'input.'): CheckedProject {
  const villageCode = requireRegion(`${prefix}villageCode`, String(input.villageCode).trim(), ['VILLAGE']);
  const title = requireText(`${prefix}title`, input.title, TITLE_MAX_LENGTH);
  const budgetYuan = requireAmount(`${prefix}budgetYuan`, input.budgetYuan, BUDGET_MAX_YUAN);
  const startedOn = input.startedOn == null ? null : requirePastDate(`${prefix}startedOn`, input.startedOn);
  return {
    partnerId: String(input.partnerId).trim(),
    villageCode,
    title,
    budgetYuan,
    startedOn,
    status: startedOn === null ? 'PLANNED' : 'IN_PROGRESS',
  };
}

/** The partner exists and is paired with the village or with the village's township. */
export async function checkProjectPartner(db: DB, project: CheckedProject, prefix = 'input.'): Promise<void> {
  const township = project.villageCode.slice(0, 9);
  const partner = await db
    .selectFrom('partner as p')
    .leftJoin('partner_region as r', (join) =>
      join.onRef('r.partner_id', '=', 'p.id').on('r.region_code', 'in', [project.villageCode, township]),
    )
    .select(['p.id', 'r.region_code'])
    .where('p.id', '=', project.partnerId)
    .limit(1)
    .executeTakeFirst();
  if (!partner) throw badUserInput(`${prefix}partnerId`, `no partner has the id ${JSON.stringify(project.partnerId)}`);
  if (partner.region_code === null) {
    throw badUserInput(
      `${prefix}villageCode`,
      `partner ${project.partnerId} is paired neither with village ${project.villageCode} nor with its township ${township}`,
    );
  }
}

/** Inserts a checked project; returns its id. */
export async function insertProject(trx: Transaction<PartnersDatabase>, project: CheckedProject): Promise<string> {
  const row = await trx
    .insertInto('project')
    .values({
      title: project.title,
      partner_id: project.partnerId,
      village_code: project.villageCode,
      budget_yuan: project.budgetYuan,
      status: project.status,
      started_on: project.startedOn,
      completed_on: null,
      legally_reviewed: false,
      reviewing_office_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}

// ---------------------------------------------------------------------------
// Existing projects

/** The project with this id, read from the database (not a request's loader, which may hold an older copy). */
export async function readProject(db: DB, id: string | number): Promise<ProjectRow | undefined> {
  const key = projectIdNumber(id);
  if (key === null) return undefined;
  return db.selectFrom('project').selectAll().where('id', '=', key).executeTakeFirst();
}

/** The project, or NOT_FOUND naming the argument. */
export async function requireProject(db: DB, id: string, field: string): Promise<ProjectRow> {
  const project = await readProject(db, id);
  if (!project) throw hubError('NOT_FOUND', `${field}: no project has the id ${JSON.stringify(id)}`, { field });
  return project;
}

// ---------------------------------------------------------------------------
// updateProjectStatus

/** The life cycle: the statuses each status may change to. */
export const NEXT_STATUSES: Readonly<Record<ProjectStatus, readonly ProjectStatus[]>> = {
  PLANNED: ['IN_PROGRESS', 'SUSPENDED'],
  IN_PROGRESS: ['COMPLETED', 'SUSPENDED'],
  SUSPENDED: ['IN_PROGRESS'],
  COMPLETED: [],
};

export function statusConflict(from: ProjectStatus, to: ProjectStatus): Error {
  const allowed = NEXT_STATUSES[from];
  return hubError(
    'CONFLICT',
    `status: a ${from} project cannot become ${to}` + (allowed.length ? ` (only ${allowed.join(' or ')})` : ' (it is final)'),
    { field: 'status' },
  );
}

/**
 * The change of status, if the project is still in the status `from` (checked
 * by the UPDATE itself, so two concurrent changes cannot both pass); returns
 * the fields written, or null when the project's status changed meanwhile.
 */
export async function changeStatus(
  trx: Transaction<PartnersDatabase>,
  project: ProjectRow,
  to: ProjectStatus,
  today: string,
): Promise<string[] | null> {
  const starts = to === 'IN_PROGRESS' && project.started_on === null;
  const completes = to === 'COMPLETED';
  const updated = await trx
    .updateTable('project')
    .set({
      status: to,
      ...(starts ? { started_on: today } : {}),
      ...(completes ? { completed_on: today } : {}),
    })
    .where('id', '=', project.id)
    .where('status', '=', project.status)
    .returning('id')
    .executeTakeFirst();
  if (!updated) return null;
  return ['status', ...(starts ? ['startedOn'] : []), ...(completes ? ['completedOn'] : [])];
}

// ---------------------------------------------------------------------------
// recordLegalReview

/** A township judicial office of the shared directory (JO-<township code>) in the project's county. */
export function checkReviewingOffice(officeId: string, villageCode: string, field = 'officeId'): string {
  const id = officeId.trim();
  const township = townshipOfOfficeId(id);
  if (township === null) throw badUserInput(field, `${JSON.stringify(officeId)} is not a judicial office id (JO- and a 9-digit township code)`);
  if (!regionExists(township)) throw badUserInput(field, `no judicial office has the id ${id}: no township has the code ${township}`);
  const county = villageCode.slice(0, 6);
  if (township.slice(0, 6) !== county) {
    throw badUserInput(field, `${id} is not in the project's county (${county}): a project's contracts are reviewed by a judicial office of its county`);
  }
  return id;
}

export function reviewConflict(project: Pick<ProjectRow, 'id' | 'reviewing_office_id'>, officeId: string): Error {
  return hubError(
    'CONFLICT',
    `officeId: project ${project.id} was already reviewed by ${project.reviewing_office_id}, not ${officeId}`,
    { field: 'officeId' },
  );
}

/** Marks the project reviewed by the office if it is not reviewed yet (checked by the UPDATE itself); whether it did. */
export async function markReviewed(trx: Transaction<PartnersDatabase>, projectId: number, officeId: string): Promise<boolean> {
  const updated = await trx
    .updateTable('project')
    .set({ legally_reviewed: true, reviewing_office_id: officeId })
    .where('id', '=', projectId)
    .where('legally_reviewed', '=', false)
    .returning('id')
    .executeTakeFirst();
  return updated !== undefined;
}

// ---------------------------------------------------------------------------
// Bulk import of registerProject rows

const CSV_COLUMNS = ['requestId', 'partnerId', 'villageCode', 'title', 'budgetYuan', 'startedOn'] as const;

function parseBudget(cell: string): number {
  // A plain decimal number: "1500000" or "1500000.50" (no thousands separators, no currency sign).
  if (!/^[+-]?[0-9]+(\.[0-9]+)?$/.test(cell)) throw badUserInput('budgetYuan', `must be a number of yuan like 1500000 or 1500000.50, not ${JSON.stringify(cell)}`);
  return Number(cell);
}

/**
 * `npm run import -- partners projects.csv` (through the gateway, the mutation
 * importProjects): one registerProject per row. Columns:
 * requestId,partnerId,villageCode,title,budgetYuan,startedOn (startedOn may
 * be empty or left out). The caller's write scope is checked once per request
 * (platform/server/operator.ts); its regions here, per row.
 */
export const projectImporter: CsvImporter<PartnersDatabase, ProjectInput> = {
  field: 'importProjects',
  rowsAre: 'projects of rural revitalization partners (registerProject)',
  scope: WRITE_SCOPE,
  operation: 'registerProject',
  recordType: PROJECT_RECORD,
  columns: CSV_COLUMNS,
  optional: ['startedOn'],
  parse(row) {
    for (const column of CSV_COLUMNS) {
      if (column !== 'startedOn' && !row[column]) throw badUserInput(column, 'must not be empty');
    }
    if (row.requestId.length > 100) throw badUserInput('requestId', 'must be 1 to 100 characters');
    const input: ProjectInput = {
      requestId: row.requestId,
      partnerId: row.partnerId,
      villageCode: row.villageCode,
      title: row.title,
      budgetYuan: parseBudget(row.budgetYuan),
    };
    // Left out when empty, as a mutation's input leaves it out: the same request hashes the same either way.
    if (row.startedOn) input.startedOn = row.startedOn;
    return input;
  },
  async validate(db, input, viewer) {
    const project = checkProjectInput(input, '');
    if (!inViewerRegions(viewer, project.villageCode)) throw forbidden(`villageCode: ${project.villageCode} lies outside the regions of the import`);
    await checkProjectPartner(db, project, '');
  },
  write: (trx, input) => insertProject(trx, checkProjectInput(input, '')),
};
