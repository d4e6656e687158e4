// The legal aid subgraph's demo data, generated from the shared region
// directory so codes agree with the judicial subgraph: providers in every
// county (legal aid centre officers, lawyers of local law firms, grassroots
// legal workers of township legal service offices), legal aid cases dated
// 2020-2023 whose status follows the life cycle as of 2023-12-31, an advisor
// in most villages, and the advisors' consultation sessions.
import type { Insertable, Transaction } from 'kysely';
import { syntheticPerson } from '../../platform/core/people';
import { addDays, createRandom, randomDate, type Random } from '../../platform/core/random';
import { judicialOfficeId } from '../../platform/core/region-codes';
import { regionDirectory, type RegionRecord } from '../../platform/core/region-directory';
import type { SeedOptions } from '../../platform/data/seed';
import type { AdvisorSessionTable, LegalAidCaseTable, LegalAidDatabase, LegalAidProviderTable, VillageLegalAdvisorTable } from './database';
import type { LegalAidCategory, LegalAidStatus } from './generated/resolvers-types';
import { caseNumberPrefix } from './writes';

/** Legal aid cases at scale 1; SEED_SCALE multiplies it. */
const CASES_AT_SCALE_1 = 30_000;
/** Village legal advisor sessions (days with consultations) at scale 1; SEED_SCALE multiplies it. */
const SESSIONS_AT_SCALE_1 = 60_000;
/** Share of villages with an appointed legal advisor. */
const ADVISOR_COVERAGE = 0.93;

const FIRST_DAY = '2020-01-01';
const LAST_DAY = '2023-12-31';

const CATEGORY_WEIGHTS: Record<LegalAidCategory, number> = {
  CRIMINAL_DEFENCE: 22, WAGE_ARREARS: 24, FAMILY: 18, LAND_CONTRACT: 10, PERSONAL_INJURY: 13, ADMINISTRATIVE: 4, OTHER: 9,
};
/** How likely the township's judicial office referred the applicant; criminal defence mostly comes from courts instead. */
const REFERRAL_RATE: Record<LegalAidCategory, number> = {
  CRIMINAL_DEFENCE: 0.05, WAGE_ARREARS: 0.45, FAMILY: 0.55, LAND_CONTRACT: 0.6, PERSONAL_INJURY: 0.4, ADMINISTRATIVE: 0.3, OTHER: 0.35,
};
/** Days from assignment to closing: [shortest, longest]. */
const DURATION: Record<LegalAidCategory, [number, number]> = {
  CRIMINAL_DEFENCE: [20, 150], WAGE_ARREARS: [10, 120], FAMILY: [25, 180], LAND_CONTRACT: [30, 210],
  PERSONAL_INJURY: [40, 240], ADMINISTRATIVE: [30, 180], OTHER: [7, 90],
};
const REJECTION_RATE = 0.07;

const FIRM_WORDS = ['Tianshan', 'Oasis', 'Silk Road', 'Kunlun', 'Tarim', 'Altay', 'Poplar', 'Pomegranate', 'Snow Lotus', 'Bogda', 'Ili River', 'Junggar'];

interface CountyProviders {
  officers: string[];
  lawyers: string[];
  /** Grassroots legal workers by township code. */
  workers: Map<string, string[]>;
}

function generateProviders(regions: readonly RegionRecord[]): { rows: LegalAidProviderTable[]; byCounty: Map<string, CountyProviders> } {
  const rows: LegalAidProviderTable[] = [];
  const byCounty = new Map<string, CountyProviders>();
  const townshipsOf = new Map<string, RegionRecord[]>();
  for (const r of regions) if (r.level === 'TOWNSHIP') townshipsOf.set(r.parentCode!, [...(townshipsOf.get(r.parentCode!) ?? []), r]);
  const serialOfKind = { LAWYER: 0, GRASSROOTS_LEGAL_WORKER: 0, LEGAL_AID_OFFICER: 0 };
  const KIND_NAME = { LAWYER: 'Lawyer', GRASSROOTS_LEGAL_WORKER: 'Legal Worker', LEGAL_AID_OFFICER: 'Aid Officer' } as const;
  for (const county of regions.filter((r) => r.level === 'COUNTY')) {
    const random = createRandom(`providers:${county.code}`);
    const providers: CountyProviders = { officers: [], lawyers: [], workers: new Map() };
    let serial = 0;
    const add = (kind: keyof typeof serialOfKind, organisation: string): string => {
      const id = `LAP-${county.code}-${String(++serial).padStart(3, '0')}`;
      rows.push({ id, name: `Synthetic ${KIND_NAME[kind]} ${++serialOfKind[kind]}`, kind, organisation, county_code: county.code });
      return id;
    };
    const centre = `${county.name} Legal Aid Centre`;
    for (let i = random.int(2, 4); i > 0; i--) providers.officers.push(add('LEGAL_AID_OFFICER', centre));
    const firms = new Set<string>();
    const place = county.name.split(' ')[0];
    const words = FIRM_WORDS.filter((word) => word !== place);
    for (let i = random.int(1, 3); i > 0; i--) firms.add(`${place} ${random.pick(words)} Law Firm`);
    for (const firm of firms) for (let i = random.int(2, 6); i > 0; i--) providers.lawyers.push(add('LAWYER', firm));
    for (const township of townshipsOf.get(county.code) ?? []) {
      const office = `${township.name} Legal Service Office`;
      const workers: string[] = [];
      for (let i = random.int(1, 2); i > 0; i--) workers.push(add('GRASSROOTS_LEGAL_WORKER', office));
      providers.workers.set(township.code, workers);
    }
    byCounty.set(county.code, providers);
  }
  return { rows, byCounty };
}

function countyOf(code: string): string {
  return code.slice(0, 6);
}

/** A provider for a case of the applicant's county: mostly lawyers for criminal defence. */
function pickProvider(random: Random, providers: CountyProviders, townshipCode: string, category: LegalAidCategory): string {
  const roll = random.next();
  if (category === 'CRIMINAL_DEFENCE') return random.pick(roll < 0.9 ? providers.lawyers : providers.officers);
  if (roll < 0.45) return random.pick(providers.lawyers);
  if (roll < 0.8) return random.pick(providers.workers.get(townshipCode)!);
  return random.pick(providers.officers);
}

/** Days from `low` to `high`, more often short than long (the minimum of two uniform draws). */
function skewedDays(random: Random, [low, high]: [number, number]): number {
  return Math.min(random.int(low, high), random.int(low, high));
}

type CaseDraft = Omit<Insertable<LegalAidCaseTable>, 'case_number'>;

function generateCase(random: Random, village: RegionRecord, providers: CountyProviders, serial: number): CaseDraft {
  const township = village.code.slice(0, 9);
  const category = random.weighted(CATEGORY_WEIGHTS);
  const appliedOn = randomDate(random, FIRST_DAY, LAST_DAY);
  const referred = random.chance(REFERRAL_RATE[category]);
  // The agency decides within a week and assigns within three days; "as of" the last day.
  const decided = addDays(appliedOn, random.int(0, 7));
  const rejected = random.chance(REJECTION_RATE);
  const assigned = addDays(decided, random.int(0, 3));
  const closed = addDays(assigned, skewedDays(random, DURATION[category]));
  const provider = pickProvider(random, providers, township, category);
  const applicant = JSON.stringify(syntheticPerson(random, village.code, serial));
  let status: LegalAidStatus;
  if (decided > LAST_DAY) status = 'APPLIED';
  else if (rejected) status = 'REJECTED';
  else if (assigned > LAST_DAY) status = 'ACCEPTED';
  else if (closed > LAST_DAY) status = 'ASSIGNED';
  else status = 'CLOSED';
  const reached = (s: LegalAidStatus[]) => s.includes(status);
  return {
    region_code: village.code,
    category,
    status,
    applied_on: appliedOn,
    decided_on: status === 'APPLIED' ? null : decided,
    assigned_on: reached(['ASSIGNED', 'CLOSED']) ? assigned : null,
    closed_on: status === 'CLOSED' ? closed : null,
    referred_by_office_id: referred ? judicialOfficeId(township) : null,
    provider_id: reached(['ASSIGNED', 'CLOSED']) ? provider : null,
    applicant,
  };
}

/** Numbers cases in order of application: "(2022) Xin 2922 Legal Aid No. 123", serial within year and county. */
function numberCases(drafts: CaseDraft[]): Insertable<LegalAidCaseTable>[] {
  const ordered = [...drafts].sort((a, b) => (a.applied_on < b.applied_on ? -1 : a.applied_on > b.applied_on ? 1 : 0));
  const serials = new Map<string, number>();
  return ordered.map((draft) => {
    // Numbered per county and year, as the mutation numbers them.
    const prefix = caseNumberPrefix(draft.applied_on, draft.region_code);
    const serial = (serials.get(prefix) ?? 0) + 1;
    serials.set(prefix, serial);
    return { ...draft, case_number: `${prefix}${serial}` };
  });
}

export async function seedLegalAid(_db: Transaction<LegalAidDatabase>, { scale, progress, load }: SeedOptions<LegalAidDatabase>): Promise<void> {
  const regions = regionDirectory();
  const villages = regions.filter((r) => r.level === 'VILLAGE');

  const providers = generateProviders(regions);
  progress(`seeding ${providers.rows.length} legal aid providers`);
  await load('legal_aid_provider', providers.rows);

  const total = Math.round(CASES_AT_SCALE_1 * scale);
  progress(`seeding ${total} legal aid cases`);
  const random = createRandom('legal-aid-cases');
  const drafts: CaseDraft[] = [];
  for (let i = 0; i < total; i++) {
    const village = random.pick(villages);
    drafts.push(generateCase(random, village, providers.byCounty.get(countyOf(village.code))!, i + 1));
  }
  await load('legal_aid_case', numberCases(drafts));

  const advisors: VillageLegalAdvisorTable[] = [];
  for (const village of villages) {
    const r = createRandom(`advisor:${village.code}`);
    if (!r.chance(ADVISOR_COVERAGE)) continue;
    const county = providers.byCounty.get(countyOf(village.code))!;
    const provider = r.chance(0.55) ? r.pick(county.lawyers) : r.pick(county.workers.get(village.code.slice(0, 9))!);
    // Most advisors were appointed when the system was rolled out (2018-2019), the rest since.
    const since = r.chance(0.7) ? randomDate(r, '2018-01-01', '2019-12-31') : randomDate(r, '2020-01-01', '2023-06-30');
    advisors.push({ village_code: village.code, provider_id: provider, since });
  }
  progress(`seeding ${advisors.length} village legal advisors`);
  await load('village_legal_advisor', advisors);

  const sessionCount = Math.round(SESSIONS_AT_SCALE_1 * scale);
  progress(`seeding ${sessionCount} advisor sessions`);
  const sessionRandom = createRandom('advisor-sessions');
  const sessions: Insertable<AdvisorSessionTable>[] = [];
  for (let i = 0; i < sessionCount; i++) {
    const advisor = sessionRandom.pick(advisors);
    sessions.push({
      village_code: advisor.village_code,
      held_on: randomDate(sessionRandom, advisor.since > FIRST_DAY ? advisor.since : FIRST_DAY, LAST_DAY),
      consultations: Math.min(sessionRandom.int(1, 12), sessionRandom.int(1, 12)),
    });
  }
  await load('advisor_session', sessions);
}
