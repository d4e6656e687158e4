// A database's schema as its catalog describes it, for comparing two
// databases: relations, columns (type, collation, nullability, default,
// identity, position), constraints, indexes, triggers, functions, views,
// sequences, types, comments and extensions of the public schema (owners and
// grants too), each as the server prints it (pg_get_*def). The same queries
// on PGlite and on PostgreSQL.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql, type Kysely, type RawBuilder } from 'kysely';

export type SchemaCatalog = Record<string, string[]>;

const PUBLIC = sql`(select oid from pg_namespace where nspname = 'public')`;

/** Each part of the catalog: one text line per object, in a stable order. */
const PARTS: Record<string, RawBuilder<{ line: string }>> = {
  relations: sql`
    select c.relname || ' ' || c.relkind::text || ' ' || c.relpersistence::text || ' owner ' || pg_get_userbyid(c.relowner)
      || coalesce(' ' || c.relacl::text, '') || coalesce(' ' || array_to_string(c.reloptions, ',') , '') as line
    from pg_class c where c.relnamespace = ${PUBLIC} and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f', 'c')`,
  columns: sql`
    select c.relname || '.' || a.attname || ' #' || row_number() over (partition by c.oid order by a.attnum)
      || ' ' || format_type(a.atttypid, a.atttypmod)
      || coalesce(' collate ' || quote_ident(co.collname), '')
      || case when a.attnotnull then ' not null' else '' end
      || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
      || case a.attidentity when 'a' then ' identity always' when 'd' then ' identity by default' else '' end
      || case a.attgenerated when 's' then ' generated stored' else '' end as line
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    left join pg_collation co on co.oid = a.attcollation
    where c.relnamespace = ${PUBLIC} and c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped`,
  constraints: sql`
    select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) as line
    from pg_constraint where connamespace = ${PUBLIC}`,
  indexes: sql`
    select pg_get_indexdef(i.indexrelid) as line
    from pg_index i join pg_class c on c.oid = i.indexrelid where c.relnamespace = ${PUBLIC}`,
  triggers: sql`
    select pg_get_triggerdef(t.oid) as line
    from pg_trigger t join pg_class c on c.oid = t.tgrelid where c.relnamespace = ${PUBLIC} and not t.tgisinternal`,
  functions: sql`
    select pg_get_functiondef(p.oid) as line
    from pg_proc p where p.pronamespace = ${PUBLIC} and p.prokind in ('f', 'p')`,
  views: sql`
    select c.relname || ' ' || pg_get_viewdef(c.oid) as line
    from pg_class c where c.relnamespace = ${PUBLIC} and c.relkind in ('v', 'm')`,
  sequences: sql`
    select s.seqrelid::regclass::text || ' ' || format_type(s.seqtypid, null) || ' start ' || s.seqstart || ' increment ' || s.seqincrement
      || ' min ' || s.seqmin || ' max ' || s.seqmax || ' cache ' || s.seqcache || case when s.seqcycle then ' cycle' else '' end
      || coalesce(' owned by ' || (select d.refobjid::regclass::text || '.' || a.attname from pg_depend d
           join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
           where d.classid = 'pg_class'::regclass and d.objid = s.seqrelid and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')), '') as line
    from pg_sequence s join pg_class c on c.oid = s.seqrelid where c.relnamespace = ${PUBLIC}`,
  types: sql`
    select t.typname || ' ' || t.typtype::text || coalesce(' ' || (select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), '')
      || case when t.typtype = 'd' then ' ' || format_type(t.typbasetype, t.typtypmod) else '' end as line
    from pg_type t where t.typnamespace = ${PUBLIC} and t.typtype in ('e', 'd')`,
  comments: sql`
    select c.relname || coalesce('.' || a.attname, '') || ' ' || d.description as line
    from pg_description d join pg_class c on d.classoid = 'pg_class'::regclass and c.oid = d.objoid
    left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid and d.objsubid > 0
    where c.relnamespace = ${PUBLIC}`,
  extensions: sql`select extname || ' ' || extversion as line from pg_extension`,
};

/** The schema of the database `db` is connected to, part by part, each part's lines sorted. */
export async function schemaCatalog(db: Kysely<unknown>): Promise<SchemaCatalog> {
  const catalog: SchemaCatalog = {};
  for (const [part, query] of Object.entries(PARTS)) {
    const { rows } = await sql<{ line: string }>`select line from (${query}) q order by line collate "C"`.execute(db);
    catalog[part] = rows.map((row) => row.line);
  }
  return catalog;
}

/**
 * `pg_dump --schema-only` of a PostgreSQL database (PostgreSQL only: PGlite
 * has no server to dump), without the lines that differ from dump to dump
 * whatever the schema (`\restrict` keys).
 */
export async function schemaDump(url: string, pgDump = process.env.TEST_PG_DUMP ?? '/usr/bin/pg_dump'): Promise<string> {
  const { stdout } = await promisify(execFile)(pgDump, ['--schema-only', url], { maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((line) => !/^\\(un)?restrict /.test(line))
    .join('\n');
}
