// The judicial subgraph's demo data, generated from the shared region
// directory. Region-wide figures match the programme's published ones: 183
// branded offices, 143 demonstration offices, about 75% standardized.
import type { Insertable, Transaction } from 'kysely';
import { syntheticPerson } from '../../platform/core/people';
import { addDays, createRandom, hashString, randomDate } from '../../platform/core/random';
import { judicialOfficeId } from '../../platform/core/region-codes';
import { regionDirectory, type RegionRecord } from '../../platform/core/region-directory';
import type { SeedOptions } from '../../platform/data/seed';
import type { JudicialDatabase, JudicialOfficeTable, MediationCaseTable, ServiceStationTable } from './database';
import type { MediationCategory, MediationOutcome, StandardizationStatus } from './generated/resolvers-types';

const PUBLISHED = { branded: 183, demonstration: 143, standardizedRate: 0.75 } as const;

/** Mediation cases at scale 1; SEED_SCALE multiplies it. */
const CASES_AT_SCALE_1 = 20_000;

const BRANDS = [
  'Pomegranate Seeds Mediation', 'Courtyard Mediation Room', 'Elders Mediation Circle', 'Bilingual Legal Service',
  'Bazaar Law Stall', 'Camel Bell Mediation', 'Grape Trellis Legal Talk', 'Harvest Field Law Corner',
  'Neighbour Heart Mediation', 'Tianshan Legal Bridge', 'Oasis Mediation Home', 'Silk Road Legal Help',
];
const SERVICES = ['legal consultation', 'people\'s mediation', 'legal aid intake', 'notarization referral', 'law popularization'];

const CATEGORY_WEIGHTS: Record<MediationCategory, number> = {
  MARRIAGE_FAMILY: 26, NEIGHBOURHOOD: 24, LAND_RESOURCES: 16, LABOUR: 9, CONTRACT: 10, DAMAGES: 9, OTHER: 6,
};
const OUTCOME_WEIGHTS: Record<Exclude<MediationOutcome, 'PENDING'>, number> = { RESOLVED: 88, UNRESOLVED: 7, REFERRED: 5 };

const FIRST_DAY = '2020-01-01';
const LAST_DAY = '2023-12-31';

export async function seedJudicial(_db: Transaction<JudicialDatabase>, { scale, progress, load }: SeedOptions<JudicialDatabase>): Promise<void> {
  const regions = regionDirectory();
  progress(`seeding ${regions.length} regions`);
  await load(
    'region',
    regions.map((r) => ({ code: r.code, name: r.name, level: r.level, parent_code: r.parentCode })),
  );

  const townships = regions.filter((r) => r.level === 'TOWNSHIP');
  progress(`seeding ${townships.length} judicial offices and service stations`);
  await load('judicial_office', officeRows(townships));
  await load('service_station', stationRows(townships));

  const villages = regions.filter((r) => r.level === 'VILLAGE');
  const total = Math.round(CASES_AT_SCALE_1 * scale);
  progress(`seeding ${total} mediation cases`);
  await load('mediation_case', mediationCases(villages, total));
}

/**
 * Which townships' offices are standardized, demonstration or branded: a
 * fixed, seed-derived order of townships decides, so the totals are exact.
 */
function officeRanking(townships: RegionRecord[]): { status: Map<string, StandardizationStatus>; demonstration: Set<string>; branded: Set<string> } {
  const ranked = [...townships].sort((a, b) => hashString(`rank:${a.code}`) - hashString(`rank:${b.code}`));
  const standardizedCount = Math.round(townships.length * PUBLISHED.standardizedRate);
  const status = new Map<string, StandardizationStatus>();
  ranked.forEach((t, i) => status.set(t.code, i < standardizedCount ? 'STANDARDIZED' : i % 3 === 0 ? 'NOT_STARTED' : 'IN_PROGRESS'));
  const demonstration = new Set(ranked.slice(0, PUBLISHED.demonstration).map((t) => t.code));
  const brandOrder = ranked.slice(0, standardizedCount).sort((a, b) => hashString(`brand:${a.code}`) - hashString(`brand:${b.code}`));
  const branded = new Set(brandOrder.slice(0, PUBLISHED.branded).map((t) => t.code));
  return { status, demonstration, branded };
}

function officeRows(townships: RegionRecord[]): Insertable<JudicialOfficeTable>[] {
  const { status, demonstration, branded } = officeRanking(townships);
  return townships.map((t) => {
    const random = createRandom(`office:${t.code}`);
    return {
      id: judicialOfficeId(t.code),
      township_code: t.code,
      name: `${t.name} Judicial Office`,
      standardization: status.get(t.code)!,
      demonstration: demonstration.has(t.code),
      brand: branded.has(t.code) ? random.pick(BRANDS) : null,
      staff_count: random.int(2, 9),
    };
  });
}

function stationRows(townships: RegionRecord[]): Insertable<ServiceStationTable>[] {
  return townships.map((t) => {
    const random = createRandom(`station:${t.code}`);
    return {
      id: `PLS-${t.code}`,
      office_id: judicialOfficeId(t.code),
      region_code: t.code,
      name: `${t.name} Public Legal Service Station`,
      services: SERVICES.filter((_, i) => i < 2 || random.chance(0.6)),
    };
  });
}

function mediationCases(villages: RegionRecord[], total: number): Insertable<MediationCaseTable>[] {
  const random = createRandom('mediation-cases');
  const cases: Insertable<MediationCaseTable>[] = [];
  for (let i = 0; i < total; i++) {
    const village = random.pick(villages);
    const receivedOn = randomDate(random, FIRST_DAY, LAST_DAY);
    const pending = receivedOn > '2023-11-15' ? random.chance(0.7) : random.chance(0.01);
    const closedOn = pending ? null : addDays(receivedOn, random.int(0, 45));
    cases.push({
      office_id: judicialOfficeId(village.code.slice(0, 9)),
      region_code: village.code,
      category: random.weighted(CATEGORY_WEIGHTS),
      received_on: receivedOn,
      closed_on: closedOn !== null && closedOn > LAST_DAY ? LAST_DAY : closedOn,
      outcome: pending ? 'PENDING' : random.weighted(OUTCOME_WEIGHTS),
      parties: JSON.stringify([syntheticPerson(random, village.code, 2 * i + 1), syntheticPerson(random, village.code, 2 * i + 2)]),
    });
  }
  return cases;
}
