// Running totals of legal aid cases per region and day (rollups.ts), kept by
// triggers; a database seeded earlier gets the totals of its cases here.
// Frozen (platform/data/frozen-migrations.ts): the SQL that caseDaily
// (rollups.ts) gave when this migration was written; editing rollups.ts
// never changes what this migration does.
import { REGION_ANCESTORS_FUNCTION_V1, rollupMigration } from '../../../platform/data/frozen-migrations';

export const caseRollup = rollupMigration({
  table: 'legal_aid_case_daily',
  create: [
    REGION_ANCESTORS_FUNCTION_V1,
    `
    create table "legal_aid_case_daily" (
      region_code text collate "C" not null,
      day date,
      "applications" bigint not null default 0, "accepted" bigint not null default 0, "rejected" bigint not null default 0, "closed" bigint not null default 0, "days_to_close" bigint not null default 0,
      constraint "legal_aid_case_daily_key" unique nulls not distinct (region_code, day)
    )`,
    `create function "legal_aid_case_daily_on_insert"() returns trigger language plpgsql as 'begin 
    insert into "legal_aid_case_daily" as r (region_code, day, "applications", "accepted", "rejected", "closed", "days_to_close")
    
    select a.code, c.day, sum(c."applications"), sum(c."accepted"), sum(c."rejected"), sum(c."closed"), sum(c."days_to_close")
    from (select "region_code" as region_code, "applied_on" as day, 1 * coalesce(1, 0) as "applications", 1 * coalesce((status in (''ACCEPTED'', ''ASSIGNED'', ''CLOSED''))::int, 0) as "accepted", 1 * coalesce((status = ''REJECTED'')::int, 0) as "rejected", 1 * coalesce((status = ''CLOSED'')::int, 0) as "closed", 1 * coalesce(case when status = ''CLOSED'' then closed_on - applied_on end, 0) as "days_to_close" from "new_rows") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "applications" = r."applications" + excluded."applications", "accepted" = r."accepted" + excluded."accepted", "rejected" = r."rejected" + excluded."rejected", "closed" = r."closed" + excluded."closed", "days_to_close" = r."days_to_close" + excluded."days_to_close"; return null; end'`,
    `create trigger "legal_aid_case_daily_insert" after insert on "legal_aid_case"
      referencing new table as new_rows for each statement execute function "legal_aid_case_daily_on_insert"()`,
    `create function "legal_aid_case_daily_on_delete"() returns trigger language plpgsql as 'begin 
    insert into "legal_aid_case_daily" as r (region_code, day, "applications", "accepted", "rejected", "closed", "days_to_close")
    
    select a.code, c.day, sum(c."applications"), sum(c."accepted"), sum(c."rejected"), sum(c."closed"), sum(c."days_to_close")
    from (select "region_code" as region_code, "applied_on" as day, -1 * coalesce(1, 0) as "applications", -1 * coalesce((status in (''ACCEPTED'', ''ASSIGNED'', ''CLOSED''))::int, 0) as "accepted", -1 * coalesce((status = ''REJECTED'')::int, 0) as "rejected", -1 * coalesce((status = ''CLOSED'')::int, 0) as "closed", -1 * coalesce(case when status = ''CLOSED'' then closed_on - applied_on end, 0) as "days_to_close" from "old_rows") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "applications" = r."applications" + excluded."applications", "accepted" = r."accepted" + excluded."accepted", "rejected" = r."rejected" + excluded."rejected", "closed" = r."closed" + excluded."closed", "days_to_close" = r."days_to_close" + excluded."days_to_close"; return null; end'`,
    `create trigger "legal_aid_case_daily_delete" after delete on "legal_aid_case"
      referencing old table as old_rows for each statement execute function "legal_aid_case_daily_on_delete"()`,
    `create function "legal_aid_case_daily_on_update"() returns trigger language plpgsql as 'begin 
    insert into "legal_aid_case_daily" as r (region_code, day, "applications", "accepted", "rejected", "closed", "days_to_close")
    
    select a.code, c.day, sum(c."applications"), sum(c."accepted"), sum(c."rejected"), sum(c."closed"), sum(c."days_to_close")
    from (select "region_code" as region_code, "applied_on" as day, -1 * coalesce(1, 0) as "applications", -1 * coalesce((status in (''ACCEPTED'', ''ASSIGNED'', ''CLOSED''))::int, 0) as "accepted", -1 * coalesce((status = ''REJECTED'')::int, 0) as "rejected", -1 * coalesce((status = ''CLOSED'')::int, 0) as "closed", -1 * coalesce(case when status = ''CLOSED'' then closed_on - applied_on end, 0) as "days_to_close" from "old_rows" union all select "region_code" as region_code, "applied_on" as day, 1 * coalesce(1, 0) as "applications", 1 * coalesce((status in (''ACCEPTED'', ''ASSIGNED'', ''CLOSED''))::int, 0) as "accepted", 1 * coalesce((status = ''REJECTED'')::int, 0) as "rejected", 1 * coalesce((status = ''CLOSED'')::int, 0) as "closed", 1 * coalesce(case when status = ''CLOSED'' then closed_on - applied_on end, 0) as "days_to_close" from "new_rows") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "applications" = r."applications" + excluded."applications", "accepted" = r."accepted" + excluded."accepted", "rejected" = r."rejected" + excluded."rejected", "closed" = r."closed" + excluded."closed", "days_to_close" = r."days_to_close" + excluded."days_to_close"; return null; end'`,
    `create trigger "legal_aid_case_daily_update" after update on "legal_aid_case"
      referencing old table as old_rows new table as new_rows for each statement execute function "legal_aid_case_daily_on_update"()`,
    `create function "legal_aid_case_daily_on_truncate"() returns trigger language plpgsql as 'begin delete from "legal_aid_case_daily"; return null; end'`,
    `create trigger "legal_aid_case_daily_truncate" after truncate on "legal_aid_case"
    for each statement execute function "legal_aid_case_daily_on_truncate"()`,
    `
    insert into "legal_aid_case_daily" as r (region_code, day, "applications", "accepted", "rejected", "closed", "days_to_close")
    
    select a.code, c.day, sum(c."applications"), sum(c."accepted"), sum(c."rejected"), sum(c."closed"), sum(c."days_to_close")
    from (select "region_code" as region_code, "applied_on" as day, 1 * coalesce(1, 0) as "applications", 1 * coalesce((status in ('ACCEPTED', 'ASSIGNED', 'CLOSED'))::int, 0) as "accepted", 1 * coalesce((status = 'REJECTED')::int, 0) as "rejected", 1 * coalesce((status = 'CLOSED')::int, 0) as "closed", 1 * coalesce(case when status = 'CLOSED' then closed_on - applied_on end, 0) as "days_to_close" from "legal_aid_case") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "applications" = r."applications" + excluded."applications", "accepted" = r."accepted" + excluded."accepted", "rejected" = r."rejected" + excluded."rejected", "closed" = r."closed" + excluded."closed", "days_to_close" = r."days_to_close" + excluded."days_to_close"`,
  ],
  drop: [
    `drop table "legal_aid_case_daily"`,
    `drop function "legal_aid_case_daily_on_insert"() cascade`,
    `drop function "legal_aid_case_daily_on_update"() cascade`,
    `drop function "legal_aid_case_daily_on_delete"() cascade`,
    `drop function "legal_aid_case_daily_on_truncate"() cascade`,
  ],
});
