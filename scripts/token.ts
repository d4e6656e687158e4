// `npm run token -- --agency legal-aid --scopes "legal-aid:cases legal-aid:pii" --regions 652900`
// prints a token that a locally started hub accepts, signed with the
// development key (.data/dev-keys). Refused when NODE_ENV=production.
import { parseArgs } from 'node:util';
import { signDevToken } from '../gateway/dev-tokens';
import { isProduction } from '../platform/access/dev-keys';
import { levelOfCode } from '../platform/core/region-codes';

const usage = `usage: npm run token -- [--sub NAME] [--agency AGENCY] [--scopes "SCOPE ..."] [--regions "CODE ..."] [--expires 8h]
  --sub      the subject (default: the agency, or "developer")
  --agency   judicial | legal-aid | education | partners | any name
  --scopes   space-separated, e.g. "legal-aid:cases legal-aid:pii" or "analyst"
  --regions  division codes (space- or comma-separated) case-level access is limited to; absent means all
  --expires  lifetime, e.g. 30m, 8h (default 8h)`;

async function main(): Promise<void> {
  if (isProduction()) {
    console.error('npm run token makes development tokens only; it is refused when NODE_ENV=production.');
    process.exit(1);
  }
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      agency: { type: 'string' },
      scopes: { type: 'string', default: '' },
      regions: { type: 'string' },
      expires: { type: 'string', default: '8h' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const regions = values.regions?.split(/[\s,]+/).filter(Boolean);
  const bad = regions?.filter((code) => levelOfCode(code) === null) ?? [];
  if (bad.length || regions?.length === 0) {
    console.error(`--regions takes division codes (6, 9 or 12 digits), not: ${bad.join(' ') || '(nothing)'}\n${usage}`);
    process.exit(2);
  }
  const token = await signDevToken({
    sub: values.sub,
    agency: values.agency,
    scopes: values.scopes.split(/\s+/).filter(Boolean),
    regions,
    expires: values.expires,
  });
  console.log(token);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
