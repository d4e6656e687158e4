// `npm run freeze-rollups [-- <subgraph> ...]`: prints the SQL of each roll-up
// of the subgraphs (all, or those named) as its live definition gives it now
// (platform/data/rollups.ts rollupSql), written out as TypeScript for a new
// migration to carry: `rollupMigration({ ... })` for a new roll-up, or
// `replaceRollupMigration(<the earlier migration>.rollup, { ... })` for a
// changed one (platform/data/frozen-migrations.ts). Prints only; writes nothing.
// Exit code 0, 2 on usage.
import { rollupSql, type RollupSql } from '../platform/data/rollups';
import { listSubgraphs } from '../schema/subgraphs';

/** A string as a template literal whose value is exactly the string (multi-line SQL stays readable). */
function templateLiteral(text: string): string {
  return `\`${text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
}

/** The frozen SQL as a TypeScript object literal. */
export function frozenLiteral(frozen: RollupSql): string {
  const list = (statements: string[]) => statements.map((statement) => `    ${templateLiteral(statement)},\n`).join('');
  return `{\n  table: '${frozen.table}',\n  create: [\n${list(frozen.create)}  ],\n  drop: [\n${list(frozen.drop)}  ],\n}`;
}

function main(): number {
  const subgraphs = listSubgraphs().filter((s) => s.definition.rollups?.length);
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !subgraphs.some((s) => s.name === name));
  if (unknown.length) {
    console.error(`usage: npm run freeze-rollups [-- <${subgraphs.map((s) => s.name).join('|')}> ...]  (unknown: ${unknown.join(', ')})`);
    return 2;
  }
  for (const { name, definition } of subgraphs.filter((s) => names.length === 0 || names.includes(s.name))) {
    for (const rollup of definition.rollups ?? []) {
      console.log(`// ${name}: ${rollup.table}, as subgraphs/${name}/rollups.ts defines it now`);
      console.log(`${frozenLiteral(rollupSql(rollup))}\n`);
    }
  }
  return 0;
}

if (require.main === module) process.exitCode = main();
