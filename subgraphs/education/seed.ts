// The education subgraph's demo data, generated deterministically from the
// shared region directory: a dozen or so campaigns of the law-popularization
// plans, 30,000 education events per unit of SEED_SCALE dated 2020-2023 (most
// organised by the township's judicial office, held in the languages spoken
// where they are held), about 4% of villages named demonstration villages,
// and legal understanding persons trained in every village.
import type { Insertable, Transaction } from 'kysely';
import { createRandom, hashString, randomDate, type Random } from '../../platform/core/random';
import { judicialOfficeId } from '../../platform/core/region-codes';
import { regionDirectory, type RegionRecord } from '../../platform/core/region-directory';
import type { SeedOptions } from '../../platform/data/seed';
import type { CampaignTable, EducationDatabase, EducationEventTable } from './database';
import type { AwardLevel, EducationFormat, EducationTheme } from './generated/resolvers-types';
import { syncEventSerial } from './writes';

const FIRST_DAY = '2020-01-01';
const LAST_DAY = '2023-12-31';

/** Education events at scale 1; SEED_SCALE multiplies it. */
export const EVENTS_AT_SCALE_1 = 30_000;
/** Demonstration villages by level: 396 of the 9,779 villages, about 4%. Not scaled. */
export const AWARDS: Readonly<Record<AwardLevel, number>> = { NATIONAL: 36, AUTONOMOUS_REGION: 144, PREFECTURE: 216 };
/** Share of events the township's judicial office organised; the rest other bodies did (organiser null). */
const ORGANISED_BY_OFFICE = 0.85;
/** Share of events held at the township itself rather than in one of its villages. */
const AT_TOWNSHIP = 0.25;
/** Share of events held as part of a campaign. */
const IN_CAMPAIGN = 0.35;

export const CAMPAIGNS: readonly CampaignTable[] = [
  { id: 'CAMP-2020-CIVIL-CODE', title: 'Civil Code publicity 2020: the code is adopted', theme: 'CIVIL_CODE', starts_on: '2020-06-01', ends_on: '2020-12-31' },
  { id: 'CAMP-2020-CONSTITUTION', title: 'Constitution Day 2020', theme: 'CONSTITUTION', starts_on: '2020-12-01', ends_on: '2020-12-07' },
  { id: 'CAMP-2021-CIVIL-CODE', title: 'Civil Code publicity month 2021', theme: 'CIVIL_CODE', starts_on: '2021-05-01', ends_on: '2021-05-31' },
  { id: 'CAMP-2021-RULE-OF-LAW-VILLAGES', title: 'Rule of law into the villages (eighth five-year plan)', theme: null, starts_on: '2021-03-01', ends_on: null },
  { id: 'CAMP-2021-ANTI-FRAUD', title: 'Anti-fraud awareness campaign 2021', theme: 'ANTI_FRAUD', starts_on: '2021-06-01', ends_on: '2021-09-30' },
  { id: 'CAMP-2021-CONSTITUTION', title: 'Constitution Day 2021', theme: 'CONSTITUTION', starts_on: '2021-12-01', ends_on: '2021-12-07' },
  { id: 'CAMP-2022-LEGAL-AID-LAW', title: 'The Legal Aid Law comes into force 2022', theme: 'LEGAL_AID_LAW', starts_on: '2022-01-01', ends_on: '2022-03-31' },
  { id: 'CAMP-2022-CIVIL-CODE', title: 'Civil Code publicity month 2022', theme: 'CIVIL_CODE', starts_on: '2022-05-01', ends_on: '2022-05-31' },
  { id: 'CAMP-2022-ANTI-FRAUD-LAW', title: 'Anti-Telecom and Online Fraud Law publicity 2022', theme: 'ANTI_FRAUD', starts_on: '2022-09-02', ends_on: '2022-12-31' },
  { id: 'CAMP-2022-CONSTITUTION', title: 'Constitution Day 2022', theme: 'CONSTITUTION', starts_on: '2022-12-01', ends_on: '2022-12-07' },
  { id: 'CAMP-2023-FAMILY', title: 'Family law and family education publicity 2023', theme: 'FAMILY_LAW', starts_on: '2023-01-01', ends_on: '2023-04-30' },
  { id: 'CAMP-2023-LAND', title: 'Rural land contracting law into the villages 2023', theme: 'LAND_LAW', starts_on: '2023-03-01', ends_on: '2023-06-30' },
  { id: 'CAMP-2023-CIVIL-CODE', title: 'Civil Code publicity month 2023', theme: 'CIVIL_CODE', starts_on: '2023-05-01', ends_on: '2023-05-31' },
  { id: 'CAMP-2023-CONSTITUTION', title: 'Constitution Day 2023', theme: 'CONSTITUTION', starts_on: '2023-12-01', ends_on: '2023-12-07' },
];

const THEME_WEIGHTS: Record<EducationTheme, number> = {
  CIVIL_CODE: 25, CONSTITUTION: 12, LEGAL_AID_LAW: 8, ANTI_FRAUD: 18, LAND_LAW: 13, FAMILY_LAW: 14, OTHER: 10,
};
const THEME_TITLES: Record<EducationTheme, string> = {
  CIVIL_CODE: 'Civil Code', CONSTITUTION: 'Constitution', LEGAL_AID_LAW: 'Legal aid', ANTI_FRAUD: 'Anti-fraud',
  LAND_LAW: 'Land law', FAMILY_LAW: 'Marriage and family law', OTHER: 'Rule of law',
};
const FORMAT_WEIGHTS: Record<EducationFormat, number> = {
  LECTURE: 30, MARKET_STALL: 18, DOOR_TO_DOOR: 15, ONLINE: 8, PERFORMANCE: 11, TRAINING: 18,
};
const FORMAT_TITLES: Record<EducationFormat, string> = {
  LECTURE: 'lecture', MARKET_STALL: 'bazaar stall', DOOR_TO_DOOR: 'door-to-door visits', ONLINE: 'online session',
  PERFORMANCE: 'performance', TRAINING: 'training',
};
const ATTENDEES: Record<EducationFormat, [min: number, max: number]> = {
  LECTURE: [20, 200], MARKET_STALL: [40, 400], DOOR_TO_DOOR: [5, 40], ONLINE: [30, 800], PERFORMANCE: [80, 600], TRAINING: [10, 60],
};

type Language = 'Mandarin' | 'Uyghur' | 'Kazakh' | 'Kyrgyz' | 'Mongolian' | 'Xibe' | 'Tajik';
type LanguageWeights = Partial<Record<Language, number>>;

/** The languages events are held in, by prefecture (first four code digits). */
const PREFECTURE_LANGUAGES: Record<string, LanguageWeights> = {
  '6501': { Mandarin: 7, Uyghur: 3, Kazakh: 1 }, // Urumqi
  '6502': { Mandarin: 7, Uyghur: 2, Kazakh: 1 }, // Karamay
  '6504': { Uyghur: 7, Mandarin: 3 }, // Turpan
  '6505': { Mandarin: 5, Uyghur: 4, Kazakh: 1 }, // Hami
  '6523': { Mandarin: 7, Kazakh: 2, Uyghur: 1 }, // Changji
  '6527': { Mandarin: 5, Mongolian: 2, Kazakh: 2, Uyghur: 2 }, // Bortala
  '6528': { Mandarin: 4, Uyghur: 4, Mongolian: 2 }, // Bayingolin
  '6529': { Uyghur: 7, Mandarin: 3 }, // Aksu
  '6530': { Kyrgyz: 5, Uyghur: 4, Mandarin: 2 }, // Kizilsu
  '6531': { Uyghur: 8, Mandarin: 2 }, // Kashgar
  '6532': { Uyghur: 8, Mandarin: 2 }, // Hotan
  '6540': { Kazakh: 4, Uyghur: 3, Mandarin: 3, Mongolian: 0.5, Xibe: 0.3 }, // Ili
  '6542': { Kazakh: 4, Mandarin: 4, Mongolian: 1, Uyghur: 1 }, // Tacheng
  '6543': { Kazakh: 6, Mandarin: 3, Mongolian: 0.5 }, // Altay
};
/** Autonomous counties where another language is widely spoken. */
const COUNTY_LANGUAGES: Record<string, LanguageWeights> = {
  '650521': { Kazakh: 5, Mandarin: 4, Uyghur: 1 }, // Barkol Kazakh
  '652328': { Kazakh: 5, Mandarin: 4, Uyghur: 1 }, // Mori Kazakh
  '652826': { Mandarin: 5, Uyghur: 3, Mongolian: 1 }, // Yanqi Hui
  '653131': { Tajik: 5, Uyghur: 3, Mandarin: 2 }, // Taxkorgan Tajik
  '654022': { Xibe: 4, Kazakh: 3, Uyghur: 3, Mandarin: 3 }, // Qapqal Xibe
  '654226': { Mongolian: 4, Kazakh: 3, Mandarin: 3 }, // Hoboksar Mongol
};

/** The main language first; many events are bilingual with Mandarin, a few add another local language. */
function languagesFor(random: Random, code: string): string[] {
  const weights = (COUNTY_LANGUAGES[code.slice(0, 6)] ?? PREFECTURE_LANGUAGES[code.slice(0, 4)]) as Record<Language, number>;
  const languages = new Set<string>([random.weighted(weights)]);
  if (random.chance(0.5)) languages.add('Mandarin');
  if (random.chance(0.1)) languages.add(random.weighted(weights));
  return [...languages];
}

export async function seedEducation(db: Transaction<EducationDatabase>, { scale, progress, load }: SeedOptions<EducationDatabase>): Promise<void> {
  const regions = regionDirectory();
  const names = new Map(regions.map((r) => [r.code, r.name]));
  const villages = regions.filter((r) => r.level === 'VILLAGE');

  progress(`seeding ${CAMPAIGNS.length} campaigns`);
  await load('campaign', CAMPAIGNS);

  const total = Math.round(EVENTS_AT_SCALE_1 * scale);
  progress(`seeding ${total} education events`);
  await load('education_event', generateEvents(villages, names, total));
  // Events recorded later continue the numbering (migration 0002).
  await syncEventSerial(db);

  // A fixed, seed-derived order of villages decides which are demonstration villages, so the totals are exact.
  const ranked = [...villages].sort((a, b) => hashString(`award:${a.code}`) - hashString(`award:${b.code}`));
  const levels = (Object.entries(AWARDS) as [AwardLevel, number][]).flatMap(([level, count]) => Array<AwardLevel>(count).fill(level));
  progress(`seeding ${levels.length} demonstration village awards`);
  const awards = levels.map((level, i) => {
    const random = createRandom(`award:${ranked[i].code}`);
    return { village_code: ranked[i].code, level, year: random.int(2020, 2023) };
  });
  await load('demonstration_award', awards);

  // Every village trains one to three groups of one to three legal understanding persons.
  const trainings = villages.flatMap((village) => {
    const random = createRandom(`legal-understanding:${village.code}`);
    return Array.from({ length: random.int(1, 3) }, () => ({
      village_code: village.code,
      trained_on: randomDate(random, FIRST_DAY, LAST_DAY),
      persons: random.int(1, 3),
    }));
  });
  progress(`seeding ${trainings.length} legal understanding person trainings`);
  await load(
    'legal_understanding_training',
    trainings.map((training, i) => ({ id: `LUT-${String(i + 1).padStart(6, '0')}`, ...training })),
  );
}

function generateEvents(villages: readonly RegionRecord[], names: Map<string, string>, total: number): Insertable<EducationEventTable>[] {
  const random = createRandom('education-events');
  const events: Omit<Insertable<EducationEventTable>, 'id'>[] = [];
  for (let i = 0; i < total; i++) {
    const village = random.pick(villages);
    const township = village.code.slice(0, 9);
    const regionCode = random.chance(AT_TOWNSHIP) ? township : village.code;
    const campaign = random.chance(IN_CAMPAIGN) ? random.pick(CAMPAIGNS) : null;
    const heldOn = campaign
      ? randomDate(random, campaign.starts_on, campaign.ends_on === null || campaign.ends_on > LAST_DAY ? LAST_DAY : campaign.ends_on)
      : randomDate(random, FIRST_DAY, LAST_DAY);
    const theme = campaign?.theme ?? random.weighted(THEME_WEIGHTS);
    const format = random.weighted(FORMAT_WEIGHTS);
    const [least, most] = ATTENDEES[format];
    const place = `${FORMAT_TITLES[format]} in ${names.get(regionCode)}`;
    events.push({
      title: campaign ? `${campaign.title}: ${THEME_TITLES[theme]} ${place}` : `${THEME_TITLES[theme]} ${place}`,
      theme,
      format,
      held_on: heldOn,
      region_code: regionCode,
      attendees: random.int(least, most),
      languages: languagesFor(random, village.code),
      organiser_office_id: random.chance(ORGANISED_BY_OFFICE) ? judicialOfficeId(township) : null,
      campaign_id: campaign?.id ?? null,
    });
  }
  // Ids follow the date held, so lists ordered by id read in date order.
  events.sort((a, b) => (a.held_on < b.held_on ? -1 : a.held_on > b.held_on ? 1 : 0));
  return events.map((event, i) => ({ id: `EE-${String(i + 1).padStart(8, '0')}`, ...event }));
}
