// The one deterministic generator of the Xinjiang division hierarchy that every
// subgraph's seed uses, so that all four agree on codes. Prefectures and
// counties carry their real codes and names; townships (9-digit codes) and
// villages (12-digit codes) are generated from a seed, the same on every run.
import { createRandom } from './random';
import type { RegionLevel } from './region-codes';

export interface RegionRecord {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
}

export const AUTONOMOUS_REGION: RegionRecord = {
  code: '650000',
  name: 'Xinjiang Uyghur Autonomous Region',
  level: 'AUTONOMOUS_REGION',
  parentCode: null,
};

/** Prefecture-level divisions with their counties (code suffix, name). */
const PREFECTURES: ReadonlyArray<[code: string, name: string, counties: ReadonlyArray<[string, string]>]> = [
  ['650100', 'Urumqi', [['02', 'Tianshan District'], ['03', 'Saybagh District'], ['04', 'Xinshi District'], ['05', 'Shuimogou District'], ['06', 'Toutunhe District'], ['07', 'Dabancheng District'], ['09', 'Midong District'], ['21', 'Urumqi County']]],
  ['650200', 'Karamay', [['02', 'Dushanzi District'], ['03', 'Karamay District'], ['04', 'Baijiantan District'], ['05', 'Orku District']]],
  ['650400', 'Turpan', [['02', 'Gaochang District'], ['21', 'Piqan County'], ['22', 'Toksun County']]],
  ['650500', 'Hami', [['02', 'Yizhou District'], ['21', 'Barkol Kazakh Autonomous County'], ['22', 'Yiwu County']]],
  ['652300', 'Changji Hui Autonomous Prefecture', [['01', 'Changji City'], ['02', 'Fukang City'], ['23', 'Hutubi County'], ['24', 'Manas County'], ['25', 'Qitai County'], ['27', 'Jimsar County'], ['28', 'Mori Kazakh Autonomous County']]],
  ['652700', 'Bortala Mongol Autonomous Prefecture', [['01', 'Bole City'], ['02', 'Alashankou City'], ['22', 'Jinghe County'], ['23', 'Wenquan County']]],
  ['652800', 'Bayingolin Mongol Autonomous Prefecture', [['01', 'Korla City'], ['22', 'Luntai County'], ['23', 'Yuli County'], ['24', 'Ruoqiang County'], ['25', 'Qiemo County'], ['26', 'Yanqi Hui Autonomous County'], ['27', 'Hejing County'], ['28', 'Hoxud County'], ['29', 'Bohu County']]],
  ['652900', 'Aksu Prefecture', [['01', 'Aksu City'], ['02', 'Kuqa City'], ['22', 'Wensu County'], ['24', 'Xayar County'], ['25', 'Toksu County'], ['26', 'Baicheng County'], ['27', 'Uqturpan County'], ['28', 'Awat County'], ['29', 'Kalpin County']]],
  ['653000', 'Kizilsu Kirghiz Autonomous Prefecture', [['01', 'Artux City'], ['22', 'Akto County'], ['23', 'Akqi County'], ['24', 'Ulugqat County']]],
  ['653100', 'Kashgar Prefecture', [['01', 'Kashgar City'], ['21', 'Shufu County'], ['22', 'Shule County'], ['23', 'Yengisar County'], ['24', 'Poskam County'], ['25', 'Yarkant County'], ['26', 'Kargilik County'], ['27', 'Makit County'], ['28', 'Yopurga County'], ['29', 'Peyzawat County'], ['30', 'Maralbexi County'], ['31', 'Taxkorgan Tajik Autonomous County']]],
  ['653200', 'Hotan Prefecture', [['01', 'Hotan City'], ['21', 'Hotan County'], ['22', 'Karakax County'], ['23', 'Guma County'], ['24', 'Lop County'], ['25', 'Qira County'], ['26', 'Keriya County'], ['27', 'Niya County']]],
  ['654000', 'Ili Kazakh Autonomous Prefecture', [['02', 'Yining City'], ['03', 'Kuytun City'], ['04', 'Khorgas City'], ['21', 'Yining County'], ['22', 'Qapqal Xibe Autonomous County'], ['23', 'Huocheng County'], ['24', 'Gongliu County'], ['25', 'Xinyuan County'], ['26', 'Zhaosu County'], ['27', 'Tekes County'], ['28', 'Nilka County']]],
  ['654200', 'Tacheng Prefecture', [['01', 'Tacheng City'], ['02', 'Wusu City'], ['03', 'Shawan City'], ['21', 'Emin County'], ['24', 'Toli County'], ['25', 'Yumin County'], ['26', 'Hoboksar Mongol Autonomous County']]],
  ['654300', 'Altay Prefecture', [['01', 'Altay City'], ['21', 'Burqin County'], ['22', 'Fuyun County'], ['23', 'Fuhai County'], ['24', 'Habahe County'], ['25', 'Qinghe County'], ['26', 'Jeminay County']]],
];

const ROOTS = [
  'Aral', 'Bostan', 'Yengi', 'Kumbagh', 'Tograk', 'Aykol', 'Kizil', 'Akyar', 'Karayulgun', 'Bash', 'Yarbagh', 'Eriq',
  'Tizak', 'Almiliq', 'Yultuz', 'Saybagh', 'Chimen', 'Onsu', 'Ayagh', 'Jigdeqiq', 'Tarim', 'Yantak', 'Bulung', 'Oyman',
  'Qumush', 'Kokterek', 'Baghrash', 'Sugetbulak', 'Qarqi', 'Yeken', 'Ghojiriq', 'Aqsay', 'Toghraq', 'Orda', 'Imam',
  'Kashtash', 'Yawa', 'Qoshterek', 'Bayi', 'Dongfeng', 'Hongqi', 'Xinhua', 'Heping', 'Tuanjie', 'Shengli', 'Guangming',
  'Qingnian', 'Fuqiang', 'Anning', 'Yuhu', 'Mingzhu', 'Lvzhou', 'Baiyang', 'Shuimo', 'Huangqu', 'Jinqiao',
];

let cache: RegionRecord[] | undefined;

/**
 * The whole hierarchy, parents before children, each level in code order:
 * the autonomous region, 14 prefectures, their counties, about a thousand
 * townships and ten thousand villages.
 */
export function regionDirectory(): readonly RegionRecord[] {
  if (cache) return cache;
  const regions: RegionRecord[] = [AUTONOMOUS_REGION];
  for (const [prefectureCode, prefectureName, counties] of PREFECTURES) {
    regions.push({ code: prefectureCode, name: prefectureName, level: 'PREFECTURE', parentCode: AUTONOMOUS_REGION.code });
    for (const [suffix, countyName] of counties) {
      const countyCode = prefectureCode.slice(0, 4) + suffix;
      regions.push({ code: countyCode, name: countyName, level: 'COUNTY', parentCode: prefectureCode });
      regions.push(...generateTownshipsAndVillages(countyCode, countyName));
    }
  }
  cache = regions;
  return regions;
}

function generateTownshipsAndVillages(countyCode: string, countyName: string): RegionRecord[] {
  const random = createRandom(`townships:${countyCode}`);
  const urban = /District|City/.test(countyName);
  const streets = urban ? random.int(2, 6) : random.int(0, 1);
  const towns = random.int(2, 6);
  const townships = random.int(3, urban ? 4 : 8);
  const out: RegionRecord[] = [];
  const usedNames = new Set<string>();
  const uniqueName = (suffix: string): string => {
    for (;;) {
      const name = `${random.pick(ROOTS)} ${suffix}`;
      if (!usedNames.has(name)) {
        usedNames.add(name);
        return name;
      }
    }
  };
  const add = (serial: number, suffix: string): void => {
    const code = countyCode + String(serial).padStart(3, '0');
    out.push({ code, name: uniqueName(suffix), level: 'TOWNSHIP', parentCode: countyCode });
    out.push(...generateVillages(code, suffix === 'Street'));
  };
  for (let i = 1; i <= streets; i++) add(i, 'Street');
  for (let i = 0; i < towns; i++) add(100 + i, 'Town');
  for (let i = 0; i < townships; i++) add(200 + i, 'Township');
  return out;
}

function generateVillages(townshipCode: string, isStreet: boolean): RegionRecord[] {
  const random = createRandom(`villages:${townshipCode}`);
  const count = isStreet ? random.int(3, 6) : random.int(7, 13);
  const out: RegionRecord[] = [];
  const usedNames = new Set<string>();
  for (let i = 0; i < count; i++) {
    // Communities (residents' committees) are numbered from 001, villages from 201.
    const code = townshipCode + String(isStreet ? 1 + i : 201 + i).padStart(3, '0');
    let name: string;
    do {
      name = `${random.pick(ROOTS)} ${isStreet ? 'Community' : 'Village'}`;
    } while (usedNames.has(name) && usedNames.size < ROOTS.length);
    if (usedNames.has(name)) name = `${name} ${i + 1}`;
    usedNames.add(name);
    out.push({ code, name, level: 'VILLAGE', parentCode: townshipCode });
  }
  return out;
}

/** Every region of one level. Nothing in the hub calls it: the seed `npm run new-subgraph` writes does (scripts/new-subgraph/templates.ts). */
export function regionsAtLevel(level: RegionLevel): RegionRecord[] {
  return regionDirectory().filter((region) => region.level === level);
}
