// A condition on the rows of the table aliased `t`, as the batched lists and
// counts (platform/data/connections.ts) and the access checks
// (platform/access/checks.ts, viewerRegionFilter) build it: a type of the core,
// so that the access layer needs nothing of the data layer.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Filter = (eb: ExpressionBuilder<any, 't'>) => Expression<SqlBool>;
