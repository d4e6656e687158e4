// Running totals of mediation cases per region and day (rollups.ts), kept by
// triggers; a database seeded earlier gets the totals of its cases here.
// Frozen (platform/data/frozen-migrations.ts): the SQL that mediationDaily
// (rollups.ts) gave when this migration was written; editing rollups.ts
// never changes what this migration does.
import { REGION_ANCESTORS_FUNCTION_V1, rollupMigration } from '../../../platform/data/frozen-migrations';

export const mediationRollup = rollupMigration({
  table: 'mediation_case_daily',
  create: [
    REGION_ANCESTORS_FUNCTION_V1,
    `
    create table "mediation_case_daily" (
      region_code text collate "C" not null,
      day date,
      "cases" bigint not null default 0, "resolved" bigint not null default 0,
      constraint "mediation_case_daily_key" unique nulls not distinct (region_code, day)
    )`,
    `create function "mediation_case_daily_on_insert"() returns trigger language plpgsql as 'begin 
    insert into "mediation_case_daily" as r (region_code, day, "cases", "resolved")
    
    select a.code, c.day, sum(c."cases"), sum(c."resolved")
    from (select "region_code" as region_code, "received_on" as day, 1 * coalesce(1, 0) as "cases", 1 * coalesce((outcome = ''RESOLVED'')::int, 0) as "resolved" from "new_rows") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "cases" = r."cases" + excluded."cases", "resolved" = r."resolved" + excluded."resolved"; return null; end'`,
    `create trigger "mediation_case_daily_insert" after insert on "mediation_case"
      referencing new table as new_rows for each statement execute function "mediation_case_daily_on_insert"()`,
    `create function "mediation_case_daily_on_delete"() returns trigger language plpgsql as 'begin 
    insert into "mediation_case_daily" as r (region_code, day, "cases", "resolved")
    
    select a.code, c.day, sum(c."cases"), sum(c."resolved")
    from (select "region_code" as region_code, "received_on" as day, -1 * coalesce(1, 0) as "cases", -1 * coalesce((outcome = ''RESOLVED'')::int, 0) as "resolved" from "old_rows") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "cases" = r."cases" + excluded."cases", "resolved" = r."resolved" + excluded."resolved"; return null; end'`,
    `create trigger "mediation_case_daily_delete" after delete on "mediation_case"
      referencing old table as old_rows for each statement execute function "mediation_case_daily_on_delete"()`,
    `create function "mediation_case_daily_on_update"() returns trigger language plpgsql as 'begin 
    insert into "mediation_case_daily" as r (region_code, day, "cases", "resolved")
    
    select a.code, c.day, sum(c."cases"), sum(c."resolved")
    from (select "region_code" as region_code, "received_on" as day, -1 * coalesce(1, 0) as "cases", -1 * coalesce((outcome = ''RESOLVED'')::int, 0) as "resolved" from "old_rows" union all select "region_code" as region_code, "received_on" as day, 1 * coalesce(1, 0) as "cases", 1 * coalesce((outcome = ''RESOLVED'')::int, 0) as "resolved" from "new_rows") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "cases" = r."cases" + excluded."cases", "resolved" = r."resolved" + excluded."resolved"; return null; end'`,
    `create trigger "mediation_case_daily_update" after update on "mediation_case"
      referencing old table as old_rows new table as new_rows for each statement execute function "mediation_case_daily_on_update"()`,
    `create function "mediation_case_daily_on_truncate"() returns trigger language plpgsql as 'begin delete from "mediation_case_daily"; return null; end'`,
    `create trigger "mediation_case_daily_truncate" after truncate on "mediation_case"
    for each statement execute function "mediation_case_daily_on_truncate"()`,
    `
    insert into "mediation_case_daily" as r (region_code, day, "cases", "resolved")
    
    select a.code, c.day, sum(c."cases"), sum(c."resolved")
    from (select "region_code" as region_code, "received_on" as day, 1 * coalesce(1, 0) as "cases", 1 * coalesce((outcome = 'RESOLVED')::int, 0) as "resolved" from "mediation_case") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "cases" = r."cases" + excluded."cases", "resolved" = r."resolved" + excluded."resolved"`,
  ],
  drop: [
    `drop table "mediation_case_daily"`,
    `drop function "mediation_case_daily_on_insert"() cascade`,
    `drop function "mediation_case_daily_on_update"() cascade`,
    `drop function "mediation_case_daily_on_delete"() cascade`,
    `drop function "mediation_case_daily_on_truncate"() cascade`,
  ],
});
