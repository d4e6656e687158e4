// Input checks shared by every subgraph's mutations: each failure is a
// BAD_USER_INPUT error naming the input field, raised before anything is written.
import { stringFromEnv } from './config';
import { badUserInput } from './errors';
import { isValidIdentityNumber } from './people';
import { levelOfCode, type RegionLevel } from './region-codes';
import { regionDirectory } from './region-directory';
import { isValidDate } from './scalars';

const MAX_NAME_LENGTH = 100;

/** Trimmed, non-empty text of at most `max` characters. */
export function requireText(field: string, value: string, max = MAX_NAME_LENGTH): string {
  const text = value.trim();
  if (text === '') throw badUserInput(field, 'must not be empty');
  if (text.length > max) throw badUserInput(field, `must be at most ${max} characters, not ${text.length}`);
  // Control characters have no place in names and titles (they also break CSV exports).
  if (/[\u0000-\u001f\u007f]/.test(text)) throw badUserInput(field, 'must not contain control characters');
  return text;
}

/**
 * Throws BAD_USER_INPUT naming the first string in `value` (a mutation's
 * arguments, walked through objects and lists) that is not well-formed
 * UTF-16: a lone surrogate, which PostgreSQL cannot store (jsonb refuses it,
 * text would get a replacement character). Run on every mutation's arguments
 * before its resolver (platform/server/subgraph.ts), so no stored string escapes it.
 */
/** A high surrogate not followed by a low one, or a low one not preceded by a high one (code units: no `u` flag). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function requireWellFormedStrings(value: unknown, field = ''): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw badUserInput(field, 'contains a lone UTF-16 surrogate (not a character)');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => requireWellFormedStrings(item, `${field}[${i}]`));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) requireWellFormedStrings(item, field ? `${field}.${key}` : key);
  }
}

/** The hub's calendar: the agencies' time zone (HUB_TIME_ZONE, default Asia/Shanghai, Beijing time). */
const calendar = new Intl.DateTimeFormat('en-CA', { timeZone: stringFromEnv('HUB_TIME_ZONE') ?? 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in the hub's time zone as YYYY-MM-DD (what "not in the future" compares with). */
export function today(): string {
  return calendar.format(new Date());
}

/** A real calendar date, not in the future, and not before `notBefore` when given. */
export function requirePastDate(field: string, value: string, notBefore?: { field: string; date: string }): string {
  if (!isValidDate(value)) throw badUserInput(field, `must be a real date as YYYY-MM-DD, not ${JSON.stringify(value)}`);
  if (value > today()) throw badUserInput(field, `must not be in the future (${value})`);
  if (notBefore && value < notBefore.date) throw badUserInput(field, `must not be before ${notBefore.field} (${notBefore.date})`);
  return value;
}

export function requireCount(field: string, value: number, max = 1_000_000): number {
  if (!Number.isInteger(value) || value < 0) throw badUserInput(field, `must be a whole number of 0 or more, not ${value}`);
  if (value > max) throw badUserInput(field, `must be at most ${max}`);
  return value;
}

export function requireAmount(field: string, value: number, max = 1e12): number {
  if (!Number.isFinite(value) || value < 0) throw badUserInput(field, `must be an amount of 0 or more, not ${value}`);
  if (value > max) throw badUserInput(field, `must be at most ${max}`);
  return Math.round(value * 100) / 100;
}

let knownCodes: Set<string> | undefined;

/** Whether the shared directory has a region with this code. */
export function regionExists(code: string): boolean {
  knownCodes ??= new Set(regionDirectory().map((region) => region.code));
  return knownCodes.has(code);
}

/**
 * A division code that exists, of one of the given levels. Every subgraph's
 * data uses the shared directory (platform/core/region-directory.ts), so it can
 * check codes without asking the judicial subgraph.
 */
export function requireRegion(field: string, code: string, levels: readonly RegionLevel[]): string {
  const level = levelOfCode(code);
  if (level === null) throw badUserInput(field, `"${code}" is not a division code`);
  if (!regionExists(code)) throw badUserInput(field, `no region has the code ${code}`);
  if (!levels.includes(level)) throw badUserInput(field, `must be a ${levels.join(' or ').toLowerCase()}, not a ${level.toLowerCase()}`);
  return code;
}

export interface PersonInput {
  name: string;
  idNumber?: string | null;
  phone?: string | null;
}

/** A person: a name, and a national identity number (18 characters, valid check character) and phone when given. */
export function requirePerson(field: string, person: PersonInput): { name: string; idNumber: string | null; phone: string | null } {
  const name = requireText(`${field}.name`, person.name);
  const idNumber = person.idNumber == null || person.idNumber.trim() === '' ? null : person.idNumber.trim().toUpperCase();
  if (idNumber !== null && !isValidIdentityNumber(idNumber)) {
    throw badUserInput(`${field}.idNumber`, 'is not a valid 18-character identity number');
  }
  const phone = person.phone == null || person.phone.trim() === '' ? null : person.phone.trim();
  if (phone !== null && !/^\+?[0-9][0-9 -]{5,19}$/.test(phone)) throw badUserInput(`${field}.phone`, 'is not a phone number');
  return { name, idNumber, phone };
}

/**
 * Whether an id can name a record whose key is a generated bigint (mediation
 * and legal aid cases): a positive whole number of at most 15 digits, a safe
 * JS integer. Anything else names no record, found out before any SQL.
 */
export function isRecordId(id: string): boolean {
  return /^[1-9]\d{0,14}$/.test(id);
}
