// Recording education events: the checks and the write that the mutation
// recordEducationEvent and the CSV import (npm run import -- education ...)
// share. Checks name the field at fault: `input.title` for the mutation, the
// column `title` for a CSV row. Everything is checked before anything is written.
import { sql, type Kysely, type Transaction } from 'kysely';
import { inViewerRegions } from '../../platform/access/checks';
import { badUserInput, forbidden } from '../../platform/core/errors';
import { listCell, type CsvImporter } from '../../platform/data/import';
import { judicialOfficeId, townshipOf, townshipOfOfficeId } from '../../platform/core/region-codes';
import { regionExists, requireCount, requirePastDate, requireRegion, requireText } from '../../platform/core/validation';
import type { Viewer } from '../../platform/core/viewer';
import type { EducationDatabase } from './database';
import type { EducationFormat, EducationTheme, RecordEducationEventInput } from './generated/resolvers-types';
import { requireLanguages } from './languages';
import { WRITE_SCOPE } from './scopes';

export const RECORD_EVENT = 'recordEducationEvent';
export const EVENT_RECORD_TYPE = 'EducationEvent';

/** The longest title: the seed's longest is about 140 characters (campaign, theme, format and place). */
const MAX_TITLE_LENGTH = 200;
/** The first five-year law-popularization plan began in 1986: no event of these plans is older. */
const EARLIEST_EVENT_DATE = '1986-01-01';
/** Most attendees of one event: a township's bazaar day or open-air performance draws thousands, a livestream more. */
const MAX_ATTENDEES = 10_000;
const MAX_ONLINE_ATTENDEES = 100_000;
const MAX_ID_LENGTH = 100;

const THEMES: Record<EducationTheme, true> = {
  CIVIL_CODE: true, CONSTITUTION: true, LEGAL_AID_LAW: true, ANTI_FRAUD: true, LAND_LAW: true, FAMILY_LAW: true, OTHER: true,
};
const FORMATS: Record<EducationFormat, true> = {
  LECTURE: true, MARKET_STALL: true, DOOR_TO_DOOR: true, ONLINE: true, PERFORMANCE: true, TRAINING: true,
};

/** An event's input after its checks: trimmed, languages under their listed names, absent references null. */
export interface CheckedEvent {
  requestId: string;
  title: string;
  theme: EducationTheme;
  format: EducationFormat;
  heldOn: string;
  regionCode: string;
  attendees: number;
  languages: string[];
  organiserOfficeId: string | null;
  campaignId: string | null;
}

type EventField = keyof CheckedEvent;
/** How an error names a field: `input.title` in the mutation, `title` in a CSV file. */
export type FieldNamer = (field: EventField) => string;
export const inputField: FieldNamer = (field) => `input.${field}`;
const csvColumn: FieldNamer = (field) => field;

/** The fields an event's audit record lists as written. */
export const EVENT_FIELDS: readonly EventField[] = [
  'title', 'theme', 'format', 'heldOn', 'regionCode', 'attendees', 'languages', 'organiserOfficeId', 'campaignId',
];

/** The checks that need no database, in the order of the input's fields. */
export function checkEventInput(input: RecordEducationEventInput | CheckedEvent, field: FieldNamer = inputField): CheckedEvent {
  const requestId = requireText(field('requestId'), String(input.requestId), MAX_ID_LENGTH);
  const title = requireText(field('title'), input.title, MAX_TITLE_LENGTH);
  const theme = input.theme;
  if (!Object.hasOwn(THEMES, theme)) throw badUserInput(field('theme'), `${JSON.stringify(theme)} is not one of ${Object.keys(THEMES).join(', ')}`);
  const format = input.format;
  if (!Object.hasOwn(FORMATS, format)) throw badUserInput(field('format'), `${JSON.stringify(format)} is not one of ${Object.keys(FORMATS).join(', ')}`);
  const heldOn = requirePastDate(field('heldOn'), input.heldOn, { field: 'the first law-popularization plan', date: EARLIEST_EVENT_DATE });
  const regionCode = requireRegion(field('regionCode'), String(input.regionCode).trim(), ['TOWNSHIP', 'VILLAGE']);
  const attendees = requireCount(field('attendees'), input.attendees, format === 'ONLINE' ? MAX_ONLINE_ATTENDEES : MAX_ATTENDEES);
  const languages = requireLanguages(field('languages'), input.languages);

  let organiserOfficeId: string | null = null;
  if (input.organiserOfficeId != null) {
    const id = String(input.organiserOfficeId).trim();
    const officeTownship = townshipOfOfficeId(id);
    if (officeTownship === null) throw badUserInput(field('organiserOfficeId'), `${JSON.stringify(id.slice(0, MAX_ID_LENGTH))} is not a judicial office id ('JO-' and a township code)`);
    if (!regionExists(officeTownship)) throw badUserInput(field('organiserOfficeId'), `no judicial office has the id ${id}`);
    // A township's judicial office organises the events of its own township and villages.
    const eventTownship = townshipOf(regionCode)!;
    if (officeTownship !== eventTownship) {
      throw badUserInput(field('organiserOfficeId'), `${id} is not the office of the event's township: ${regionCode} lies in the township of ${judicialOfficeId(eventTownship)}`);
    }
    organiserOfficeId = id;
  }

  let campaignId: string | null = null;
  if (input.campaignId != null) {
    campaignId = String(input.campaignId).trim();
    if (campaignId === '' || campaignId.length > MAX_ID_LENGTH) throw badUserInput(field('campaignId'), 'is not a campaign id');
  }
  return { requestId, title, theme, format, heldOn, regionCode, attendees, languages, organiserOfficeId, campaignId };
}

/** The checks against this subgraph's own data: the campaign exists, its dates include heldOn, the event carries its theme. */
export async function checkEventReferences(db: Kysely<EducationDatabase>, event: CheckedEvent, field: FieldNamer = inputField): Promise<void> {
  if (event.campaignId === null) return;
  const campaign = await db.selectFrom('campaign').selectAll().where('id', '=', event.campaignId).executeTakeFirst();
  if (!campaign) throw badUserInput(field('campaignId'), `no campaign has the id ${event.campaignId}`);
  if (event.heldOn < campaign.starts_on || (campaign.ends_on !== null && event.heldOn > campaign.ends_on)) {
    const dates = campaign.ends_on === null ? `from ${campaign.starts_on}` : `from ${campaign.starts_on} to ${campaign.ends_on}`;
    throw badUserInput(field('campaignId'), `campaign ${campaign.id} runs ${dates}, which does not include heldOn (${event.heldOn})`);
  }
  if (campaign.theme !== null && campaign.theme !== event.theme) {
    throw badUserInput(field('theme'), `must be ${campaign.theme}, the theme of campaign ${campaign.id}, not ${event.theme}`);
  }
}

/**
 * Inserts a checked event; returns its id. Ids continue the seed's
 * 'EE-' + serial (the sequence education_event_serial, migration 0002), so
 * text order stays creation order; concurrent writes draw distinct serials.
 */
export async function insertEvent(trx: Transaction<EducationDatabase>, event: CheckedEvent): Promise<string> {
  const { id } = await trx
    .insertInto('education_event')
    .values({
      id: sql<string>`(select 'EE-' || lpad(s::text, greatest(8, length(s::text)), '0') from nextval('education_event_serial') as s)`,
      title: event.title,
      theme: event.theme,
      format: event.format,
      held_on: event.heldOn,
      region_code: event.regionCode,
      attendees: event.attendees,
      languages: event.languages,
      organiser_office_id: event.organiserOfficeId,
      campaign_id: event.campaignId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** Sets the serial after the highest 'EE-<n>' id, so the next event gets the next number (migration 0002 and the seed). */
export async function syncEventSerial(db: Kysely<EducationDatabase> | Kysely<unknown>): Promise<void> {
  await sql`select setval('education_event_serial',
    coalesce((select max(substr(id, 4)::bigint) from education_event where id ~ '^EE-[0-9]{1,18}$'), 0) + 1, false)`.execute(db);
}

function wholeNumberCell(column: EventField, cell: string): number {
  if (!/^-?[0-9]{1,15}$/.test(cell)) throw badUserInput(column, `must be a whole number, not ${JSON.stringify(cell)}`);
  return Number(cell);
}

/**
 * CSV import of education events: one row per event, the columns are the
 * mutation's input fields, `languages` separated by `;`, organiserOfficeId and
 * campaignId may be left empty (or left out). The same checks and write as the mutation.
 */
export const educationEventImporter: CsvImporter<EducationDatabase, CheckedEvent> = {
  field: 'importEducationEvents',
  rowsAre: 'law publicity events (recordEducationEvent)',
  scope: WRITE_SCOPE,
  operation: RECORD_EVENT,
  recordType: EVENT_RECORD_TYPE,
  columns: ['requestId', 'title', 'theme', 'format', 'heldOn', 'regionCode', 'attendees', 'languages', 'organiserOfficeId', 'campaignId'],
  optional: ['organiserOfficeId', 'campaignId'],
  parse(row) {
    return checkEventInput(
      {
        requestId: row.requestId,
        title: row.title,
        theme: row.theme.toUpperCase() as EducationTheme,
        format: row.format.toUpperCase() as EducationFormat,
        heldOn: row.heldOn,
        regionCode: row.regionCode,
        attendees: wholeNumberCell('attendees', row.attendees),
        languages: listCell(row.languages),
        organiserOfficeId: row.organiserOfficeId || null,
        campaignId: row.campaignId || null,
      },
      csvColumn,
    );
  },
  async validate(db: Kysely<EducationDatabase>, input: CheckedEvent, viewer: Viewer) {
    const event = input;
    // The importing caller's write scope is checked once per request (platform/server/operator.ts); its regions here, per row.
    if (!inViewerRegions(viewer, event.regionCode)) throw forbidden(`regionCode: ${event.regionCode} lies outside the regions of the import`);
    await checkEventReferences(db, event, csvColumn);
  },
  write: (trx, input) => insertEvent(trx, input),
};
