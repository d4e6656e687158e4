// The partners subgraph's demo data, generated from the shared region
// directory: about 3,500 partners paired with townships and villages (county,
// prefecture and region-level bureaus, resident work teams, enterprises and
// social organisations), a resident work team in most villages, and 30,000
// projects per unit of SEED_SCALE, with a legal review rate that differs by
// prefecture.
import type { Insertable, Transaction } from 'kysely';
import { addDays, createRandom, hashString, randomDate, type Random } from '../../platform/core/random';
import { isWithin, judicialOfficeId } from '../../platform/core/region-codes';
import { AUTONOMOUS_REGION, regionDirectory, type RegionRecord } from '../../platform/core/region-directory';
import type { SeedOptions } from '../../platform/data/seed';
import type { PartnerRegionTable, PartnersDatabase, PartnerTable, ProjectTable, ResidentTeamTable } from './database';
import type { PartnerKind, ProjectStatus } from './generated/resolvers-types';

/** Projects at scale 1; SEED_SCALE multiplies it. Partners, pairings and teams are not scaled. */
const PROJECTS_AT_SCALE_1 = 30_000;

const FIRST_DAY = '2020-01-01';
const LAST_DAY = '2023-12-31';

/** Legal review rates of project contracts: one per prefecture, from LOWEST_REVIEW_RATE up in steps. */
const LOWEST_REVIEW_RATE = 0.35;
const REVIEW_RATE_STEP = 0.045;
/** How often the reviewing office is the village's own township office rather than another in the county. */
const OWN_TOWNSHIP_REVIEW = 0.85;

const GOVERNMENT_BODIES: ReadonlyArray<[PartnerKind, string]> = [
  ['RURAL_REVITALIZATION_BUREAU', 'Rural Revitalization Bureau'],
  ['FINANCE', 'Finance Bureau'],
  ['DEVELOPMENT_REFORM', 'Development and Reform Commission'],
  ['PETITIONS', 'Letters and Visits Bureau'],
];

/** Units that dispatch resident village work teams. */
const DISPATCHING_UNITS = [
  'Autonomous Region Department of Justice', 'Autonomous Region Finance Department', 'Autonomous Region Higher People\'s Court',
  'Autonomous Region Health Commission', 'Autonomous Region Transport Department', 'Autonomous Region Department of Agriculture',
  'Xinjiang University', 'Xinjiang Agricultural University', 'Xinjiang Medical University', 'State Grid Xinjiang Company',
  'Agricultural Bank Xinjiang Branch', 'Xinjiang Railway Group', 'Prefecture Party School', 'Prefecture Public Security Bureau',
  'County Education Bureau', 'County Housing and Construction Bureau', 'County Natural Resources Bureau', 'County Market Regulation Bureau',
];
const ENTERPRISE_ROOTS = ['Tianshan', 'Tarim', 'Kunlun', 'Altay', 'Oasis', 'Silk Road', 'Golden Field', 'Red Date', 'Snow Lotus', 'Camel Bell', 'Green Valley', 'Sunrise'];
const INDUSTRIES = ['Cotton', 'Jujube', 'Walnut', 'Grape', 'Dairy', 'Logistics', 'Textile', 'Construction', 'Tourism', 'Seed', 'Solar Power', 'Livestock', 'Apricot', 'Carpet Weaving'];
const CAUSES = ['Rural Education Foundation', 'Women\'s Development Association', 'Elderly Care Association', 'Youth Volunteer Association',
  'Legal Service Volunteers', 'Charity Federation', 'Rural Health Foundation', 'Craft Cooperative Association'];

const PROJECT_TYPES: Record<PartnerKind, readonly string[]> = {
  RURAL_REVITALIZATION_BUREAU: ['Drip Irrigation Upgrade', 'Greenhouse Cooperative', 'Courtyard Economy Programme', 'Village Road Hardening', 'Livestock Shed Renewal'],
  FINANCE: ['Drinking Water Safety Works', 'Village Infrastructure Grant', 'Farmland Consolidation', 'Microcredit Revolving Fund'],
  DEVELOPMENT_REFORM: ['Cold Chain Warehouse', 'Industrial Park Link Road', 'Rural Logistics Station', 'Photovoltaic Poverty Relief Plant'],
  PETITIONS: ['Mediation Room Renovation', 'Grievance Hotline Station', 'Land Dispute Survey'],
  RESIDENT_WORK_TEAM: ['Village Library Refit', 'Employment Training Course', 'Kindergarten Playground', 'Village Clinic Equipment', 'Public Toilet Renovation'],
  ENTERPRISE: ['Processing Workshop', 'Contract Farming Base', 'Satellite Factory', 'E-commerce Service Point', 'Packaging Line'],
  SOCIAL_ORGANISATION: ['Scholarship Fund', 'Elderly Day Care Room', 'Women\'s Embroidery Workshop', 'Legal Literacy Classes', 'Children\'s Reading Corner'],
};
/** Which kinds of partner run projects, by weight. */
const PROJECT_KIND_WEIGHTS: Record<PartnerKind, number> = {
  RURAL_REVITALIZATION_BUREAU: 25, FINANCE: 10, DEVELOPMENT_REFORM: 13, PETITIONS: 3, RESIDENT_WORK_TEAM: 22, ENTERPRISE: 20, SOCIAL_ORGANISATION: 7,
};
/** Budget ranges in thousands of yuan; budgets are whole thousands, so sums are exact. */
const BUDGET_THOUSANDS: Record<PartnerKind, [number, number]> = {
  RURAL_REVITALIZATION_BUREAU: [200, 3000], FINANCE: [300, 5000], DEVELOPMENT_REFORM: [500, 8000], PETITIONS: [20, 200],
  RESIDENT_WORK_TEAM: [10, 300], ENTERPRISE: [100, 6000], SOCIAL_ORGANISATION: [10, 500],
};
const STATUS_WEIGHTS: Record<ProjectStatus, number> = { PLANNED: 12, IN_PROGRESS: 38, COMPLETED: 42, SUSPENDED: 8 };

interface Pairing {
  partnerId: string;
  kind: PartnerKind;
  regionCode: string;
}

/** The legal review rate of each prefecture: every prefecture its own, spread from 35% to about 94%. */
function reviewRates(prefectures: readonly RegionRecord[]): Map<string, number> {
  const order = [...prefectures].sort((a, b) => hashString(`review:${a.code}`) - hashString(`review:${b.code}`));
  return new Map(order.map((p, i) => [p.code, LOWEST_REVIEW_RATE + i * REVIEW_RATE_STEP]));
}

function pickSome<T>(random: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length) out.push(pool.splice(Math.floor(random.next() * pool.length), 1)[0]);
  return out;
}

export async function seedPartners(_db: Transaction<PartnersDatabase>, { scale, progress, load }: SeedOptions<PartnersDatabase>): Promise<void> {
  const places = indexRegions(regionDirectory());
  const book = new PartnerBook(places);
  addGovernmentBodies(book, places);
  const teams = addResidentTeams(book, places);
  addEnterprises(book, places);
  addSocialOrganisations(book, places);

  progress(`seeding ${book.partners.length} partners, ${book.pairings.length} pairings and ${teams.length} resident teams`);
  await load('partner', book.partners);
  await load(
    'partner_region',
    book.pairings.map(({ kind: _kind, ...pairing }) => pairing),
  );
  await load('resident_team', teams);

  const total = Math.round(PROJECTS_AT_SCALE_1 * scale);
  progress(`seeding ${total} projects`);
  await load('project', projectRows(book.pairings, places, total));
}

/** The region directory as the seed looks things up in it. */
interface Places {
  byCode: Map<string, RegionRecord>;
  prefectures: RegionRecord[];
  counties: RegionRecord[];
  /** The townships within a region. */
  townshipsIn(code: string): RegionRecord[];
  villagesOf(townshipCode: string): RegionRecord[];
  /** The townships of a township's county. */
  townshipsInCounty(townshipCode: string): RegionRecord[];
}

function indexRegions(regions: readonly RegionRecord[]): Places {
  const childrenOf = new Map<string, RegionRecord[]>();
  for (const r of regions) if (r.parentCode) childrenOf.set(r.parentCode, [...(childrenOf.get(r.parentCode) ?? []), r]);
  const townships = regions.filter((r) => r.level === 'TOWNSHIP');
  return {
    byCode: new Map(regions.map((r) => [r.code, r])),
    prefectures: regions.filter((r) => r.level === 'PREFECTURE'),
    counties: regions.filter((r) => r.level === 'COUNTY'),
    townshipsIn: (code) => townships.filter((t) => isWithin(t.code, code)),
    villagesOf: (townshipCode) => childrenOf.get(townshipCode) ?? [],
    townshipsInCounty: (townshipCode) => childrenOf.get(townshipCode.slice(0, 6))!,
  };
}

/** The partners, numbered in the order they are added, and their pairings with regions (each partner and region once). */
class PartnerBook {
  readonly partners: PartnerTable[] = [];
  readonly pairings: (PartnerRegionTable & { kind: PartnerKind })[] = [];
  private readonly pairedOnce = new Set<string>();

  constructor(private readonly places: Places) {}

  add(kind: PartnerKind, name: string): string {
    const id = `PT-${String(this.partners.length + 1).padStart(5, '0')}`;
    this.partners.push({ id, kind, name });
    return id;
  }

  pair(random: Random, partnerId: string, kind: PartnerKind, regionCode: string, since?: string): void {
    const key = `${partnerId}:${regionCode}`;
    if (this.pairedOnce.has(key)) return;
    this.pairedOnce.add(key);
    this.pairings.push({ partner_id: partnerId, kind, region_code: regionCode, since: since ?? randomDate(random, FIRST_DAY, '2023-06-30') });
  }

  /** Townships or villages of a list of townships, half and half. */
  townshipOrVillage(random: Random, townships: readonly RegionRecord[]): string {
    const township = random.pick(townships);
    const villages = this.places.villagesOf(township.code);
    return random.chance(0.5) || villages.length === 0 ? township.code : random.pick(villages).code;
  }
}

/** Government bodies of the autonomous region, each prefecture and each county. */
function addGovernmentBodies(book: PartnerBook, places: Places): void {
  const levels: ReadonlyArray<[RegionRecord, number, number]> = [
    [AUTONOMOUS_REGION, 8, 14],
    ...places.prefectures.map((p): [RegionRecord, number, number] => [p, 3, 8]),
    ...places.counties.map((c): [RegionRecord, number, number] => [c, 1, 5]),
  ];
  for (const [region, fewest, most] of levels) {
    const random = createRandom(`bodies:${region.code}`);
    const within = places.townshipsIn(region.code);
    for (const [kind, body] of GOVERNMENT_BODIES) {
      const id = book.add(kind, `${region.name} ${body}`);
      const count = kind === 'RURAL_REVITALIZATION_BUREAU' ? most : random.int(fewest, Math.max(fewest, most - 2));
      for (let i = 0; i < count; i++) book.pair(random, id, kind, book.townshipOrVillage(random, within));
    }
  }
}

/**
 * Resident work teams: most villages have one; a dispatching unit's work
 * team partner covers a few neighbouring villages of one county.
 */
function addResidentTeams(book: PartnerBook, places: Places): ResidentTeamTable[] {
  const teams: ResidentTeamTable[] = [];
  for (const county of places.counties) {
    const random = createRandom(`work-teams:${county.code}`);
    const villages = places
      .townshipsIn(county.code)
      .flatMap((t) => places.villagesOf(t.code))
      .filter((v) => random.chance(v.code.slice(9, 10) === '0' ? 0.55 : 0.93)); // communities (001..) less often than villages (201..)
    let serial = 0;
    for (let i = 0; i < villages.length; ) {
      const group = villages.slice(i, i + random.int(2, 6));
      i += group.length;
      const id = book.add('RESIDENT_WORK_TEAM', `${random.pick(DISPATCHING_UNITS)} Work Team, ${county.name} No. ${++serial}`);
      for (const village of group) {
        const since = randomDate(random, FIRST_DAY, '2023-06-30');
        teams.push({ id: `RT-${village.code}`, village_code: village.code, partner_id: id, members: random.int(3, 6), since });
        book.pair(random, id, 'RESIDENT_WORK_TEAM', village.code, since);
      }
    }
  }
  return teams;
}

/** Enterprises, per county. */
function addEnterprises(book: PartnerBook, places: Places): void {
  for (const county of places.counties) {
    const random = createRandom(`enterprises:${county.code}`);
    const within = places.townshipsIn(county.code);
    for (let i = random.int(4, 9); i > 0; i--) {
      const id = book.add('ENTERPRISE', `${county.name.split(' ')[0]} ${random.pick(ENTERPRISE_ROOTS)} ${random.pick(INDUSTRIES)} Co., Ltd.`);
      for (let j = random.int(1, 5); j > 0; j--) book.pair(random, id, 'ENTERPRISE', book.townshipOrVillage(random, within));
    }
  }
}

/** Social organisations, per prefecture. */
function addSocialOrganisations(book: PartnerBook, places: Places): void {
  for (const prefecture of places.prefectures) {
    const random = createRandom(`social:${prefecture.code}`);
    const within = places.townshipsIn(prefecture.code);
    for (let i = random.int(15, 35); i > 0; i--) {
      const id = book.add('SOCIAL_ORGANISATION', `${prefecture.name.split(' ')[0]} ${random.pick(ENTERPRISE_ROOTS)} ${random.pick(CAUSES)}`);
      for (const township of pickSome(random, within, random.int(1, 4))) {
        book.pair(random, id, 'SOCIAL_ORGANISATION', random.chance(0.4) ? township.code : random.pick(places.villagesOf(township.code)).code);
      }
    }
  }
}

/**
 * Projects: a partner runs a project in a village it is paired with, or in a
 * village of a township it is paired with.
 */
function projectRows(pairings: PartnerBook['pairings'], places: Places, total: number): Insertable<ProjectTable>[] {
  const pairingsOfKind = new Map<PartnerKind, Pairing[]>();
  for (const p of pairings) {
    const list = pairingsOfKind.get(p.kind) ?? [];
    list.push({ partnerId: p.partner_id, kind: p.kind, regionCode: p.region_code });
    pairingsOfKind.set(p.kind, list);
  }
  const rates = reviewRates(places.prefectures);
  const random = createRandom('projects');
  const projects: Insertable<ProjectTable>[] = [];
  for (let i = 0; i < total; i++) {
    const kind = random.weighted(PROJECT_KIND_WEIGHTS);
    const pairing = random.pick(pairingsOfKind.get(kind)!);
    const village = pairing.regionCode.length === 12 ? places.byCode.get(pairing.regionCode)! : random.pick(places.villagesOf(pairing.regionCode));
    projects.push(project(random, pairing, village, places, rates));
  }
  return projects;
}

/** One project of the pairing's partner in the village: its status and dates, budget and legal review. */
function project(random: Random, pairing: Pairing, village: RegionRecord, places: Places, rates: Map<string, number>): Insertable<ProjectTable> {
  const township = village.code.slice(0, 9);
  const status = random.weighted(STATUS_WEIGHTS);
  let startedOn: string | null = null;
  let completedOn: string | null = null;
  if (status === 'COMPLETED') {
    startedOn = randomDate(random, FIRST_DAY, '2023-10-31');
    completedOn = addDays(startedOn, random.int(30, 540));
    if (completedOn > LAST_DAY) completedOn = LAST_DAY;
  } else if (status === 'IN_PROGRESS' || (status === 'SUSPENDED' && random.chance(0.7))) {
    startedOn = randomDate(random, FIRST_DAY, LAST_DAY);
  }
  const [low, high] = BUDGET_THOUSANDS[pairing.kind];
  const prefecture = places.byCode.get(`${village.code.slice(0, 4)}00`)!;
  const reviewed = random.chance(rates.get(prefecture.code)!);
  let office: string | null = null;
  if (reviewed) {
    office = random.chance(OWN_TOWNSHIP_REVIEW) ? judicialOfficeId(township) : judicialOfficeId(random.pick(places.townshipsInCounty(township)).code);
  }
  return {
    title: `${random.pick(PROJECT_TYPES[pairing.kind])} in ${village.name}`,
    partner_id: pairing.partnerId,
    village_code: village.code,
    budget_yuan: random.int(low, high) * 1000,
    status,
    started_on: startedOn,
    completed_on: completedOn,
    legally_reviewed: reviewed,
    reviewing_office_id: office,
  };
}
