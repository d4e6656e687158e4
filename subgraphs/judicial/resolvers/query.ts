import { listAuditRecords } from '../../../platform/data/audit';
import { badUserInput } from '../../../platform/core/errors';
import { readPage, toConnection } from '../../../platform/data/pagination';
import { countsByParent, pagesByParent, type Filter } from '../../../platform/data/connections';
import { levelOfCode } from '../../../platform/core/region-codes';
import type { RegionRow } from '../database';
import type { QueryResolvers } from '../generated/resolvers-types';
import { AUDIT_SCOPE } from '../scopes';

const ALL = '*';
const regionList = { table: 'region', join: { kind: 'all' }, key: 'code' } as const;

function checkCode(field: string, code: string): string {
  if (levelOfCode(code) === null) throw badUserInput(field, `"${code}" is not a division code (6, 9 or 12 digits)`);
  return code;
}

export const Query: QueryResolvers = {
  region: (_root, { code }, { loaders }) => loaders.region.load(checkCode('code', code)),
  regions: async (_root, args, { db }) => {
    const page = readPage(args, 50);
    const parentCode = args.parentCode == null ? null : checkCode('parentCode', args.parentCode);
    const filter: Filter = (eb) =>
      eb.and([
        ...(args.level != null ? [eb('t.level', '=', args.level)] : []),
        ...(parentCode !== null ? [eb('t.parent_code', '=', parentCode)] : []),
      ]);
    const pages = await pagesByParent<RegionRow>(db, regionList, [ALL], page, filter);
    return toConnection(pages.get(ALL)!, page, (row) => row.code, async () =>
      (await countsByParent(db, regionList, [ALL], filter)).get(ALL)!,
    );
  },
  judicialOffice: (_root, { id }, { loaders }) => loaders.office.load(id),
  judicialOffices: async (_root, args, { loaders }) => {
    const regionCode = args.regionCode == null ? '650000' : checkCode('regionCode', args.regionCode);
    return loaders.officesInRegion.load({ parent: regionCode, page: readPage(args), filter: args.filter ?? null });
  },
  me: (_root, _args, { viewer }) => viewer,
  judicialAuditRecords: (_root, args, { db, viewer }) => listAuditRecords(db, viewer, AUDIT_SCOPE, args),
};
