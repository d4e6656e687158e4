// Running totals of projects per region and start day (rollups.ts), kept by
// triggers; a database seeded earlier gets the totals of its projects here.
// Frozen (platform/data/frozen-migrations.ts): the SQL that projectDaily
// (rollups.ts) gave when this migration was written; editing rollups.ts
// never changes what this migration does.
import { REGION_ANCESTORS_FUNCTION_V1, rollupMigration } from '../../../platform/data/frozen-migrations';

export const projectRollup = rollupMigration({
  table: 'project_daily',
  create: [
    REGION_ANCESTORS_FUNCTION_V1,
    `
    create table "project_daily" (
      region_code text collate "C" not null,
      day date,
      "projects" bigint not null default 0, "reviewed" bigint not null default 0, "budget_yuan" numeric not null default 0,
      constraint "project_daily_key" unique nulls not distinct (region_code, day)
    )`,
    `create function "project_daily_on_insert"() returns trigger language plpgsql as 'begin 
    insert into "project_daily" as r (region_code, day, "projects", "reviewed", "budget_yuan")
    
    select a.code, c.day, sum(c."projects"), sum(c."reviewed"), sum(c."budget_yuan")
    from (select "village_code" as region_code, "started_on" as day, 1 * coalesce(1, 0) as "projects", 1 * coalesce(legally_reviewed::int, 0) as "reviewed", 1 * coalesce(budget_yuan, 0) as "budget_yuan" from "new_rows") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "projects" = r."projects" + excluded."projects", "reviewed" = r."reviewed" + excluded."reviewed", "budget_yuan" = r."budget_yuan" + excluded."budget_yuan"; return null; end'`,
    `create trigger "project_daily_insert" after insert on "project"
      referencing new table as new_rows for each statement execute function "project_daily_on_insert"()`,
    `create function "project_daily_on_delete"() returns trigger language plpgsql as 'begin 
    insert into "project_daily" as r (region_code, day, "projects", "reviewed", "budget_yuan")
    
    select a.code, c.day, sum(c."projects"), sum(c."reviewed"), sum(c."budget_yuan")
    from (select "village_code" as region_code, "started_on" as day, -1 * coalesce(1, 0) as "projects", -1 * coalesce(legally_reviewed::int, 0) as "reviewed", -1 * coalesce(budget_yuan, 0) as "budget_yuan" from "old_rows") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "projects" = r."projects" + excluded."projects", "reviewed" = r."reviewed" + excluded."reviewed", "budget_yuan" = r."budget_yuan" + excluded."budget_yuan"; return null; end'`,
    `create trigger "project_daily_delete" after delete on "project"
      referencing old table as old_rows for each statement execute function "project_daily_on_delete"()`,
    `create function "project_daily_on_update"() returns trigger language plpgsql as 'begin 
    insert into "project_daily" as r (region_code, day, "projects", "reviewed", "budget_yuan")
    
    select a.code, c.day, sum(c."projects"), sum(c."reviewed"), sum(c."budget_yuan")
    from (select "village_code" as region_code, "started_on" as day, -1 * coalesce(1, 0) as "projects", -1 * coalesce(legally_reviewed::int, 0) as "reviewed", -1 * coalesce(budget_yuan, 0) as "budget_yuan" from "old_rows" union all select "village_code" as region_code, "started_on" as day, 1 * coalesce(1, 0) as "projects", 1 * coalesce(legally_reviewed::int, 0) as "reviewed", 1 * coalesce(budget_yuan, 0) as "budget_yuan" from "new_rows") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "projects" = r."projects" + excluded."projects", "reviewed" = r."reviewed" + excluded."reviewed", "budget_yuan" = r."budget_yuan" + excluded."budget_yuan"; return null; end'`,
    `create trigger "project_daily_update" after update on "project"
      referencing old table as old_rows new table as new_rows for each statement execute function "project_daily_on_update"()`,
    `create function "project_daily_on_truncate"() returns trigger language plpgsql as 'begin delete from "project_daily"; return null; end'`,
    `create trigger "project_daily_truncate" after truncate on "project"
    for each statement execute function "project_daily_on_truncate"()`,
    `
    insert into "project_daily" as r (region_code, day, "projects", "reviewed", "budget_yuan")
    
    select a.code, c.day, sum(c."projects"), sum(c."reviewed"), sum(c."budget_yuan")
    from (select "village_code" as region_code, "started_on" as day, 1 * coalesce(1, 0) as "projects", 1 * coalesce(legally_reviewed::int, 0) as "reviewed", 1 * coalesce(budget_yuan, 0) as "budget_yuan" from "project") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "projects" = r."projects" + excluded."projects", "reviewed" = r."reviewed" + excluded."reviewed", "budget_yuan" = r."budget_yuan" + excluded."budget_yuan"`,
  ],
  drop: [
    `drop table "project_daily"`,
    `drop function "project_daily_on_insert"() cascade`,
    `drop function "project_daily_on_update"() cascade`,
    `drop function "project_daily_on_delete"() cascade`,
    `drop function "project_daily_on_truncate"() cascade`,
  ],
});
