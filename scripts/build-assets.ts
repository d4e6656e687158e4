// The second step of `npm run build:server`, run from the compiled output
// (`node dist/scripts/build-assets.js`, so the build needs no TypeScript
// runner): copies every file of the compiled folders that is not TypeScript
// (schema.graphql of each subgraph, schema/supergraph.graphql, the registered
// operations, and whatever such file a folder gains) from the project into
// the dist folder this script was compiled into.
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dist = path.join(__dirname, '..');
const root = process.cwd();
// The folders tsc compiles are the build's own list (tsconfig.build.json, a JSON file with comments).
const config = JSON.parse(readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { include: string[]; exclude?: string[] };
// What the build leaves out is left out here too (a folder or a file, as tsconfig.build.json names it).
const excluded = (config.exclude ?? []).map((entry) => path.join(root, entry));
const isExcluded = (source: string) => excluded.some((entry) => source === entry || source.startsWith(entry + path.sep));
const isTypeScript = (source: string) => /\.[cm]?ts$/.test(source);
let copied = 0;
for (const folder of config.include) {
  cpSync(path.join(root, folder), path.join(dist, folder), {
    recursive: true,
    filter: (source) => {
      const keep = !isTypeScript(source) && !isExcluded(source) && !path.basename(source).startsWith('.');
      if (keep && path.extname(source)) copied++;
      return keep;
    },
  });
}
console.log(`copied ${copied} files that are not TypeScript into ${path.relative(root, dist) || '.'}`);
