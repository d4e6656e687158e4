// The platform's layers (docs/layout-and-adding-an-agency.md, "Layers"): every
// file of platform/ is in one of core, access, data and server, and imports from
// platform/ only files of its own layer or of a layer below it
// (core < access < data < server), type-only imports included; nothing in
// platform/ imports the project's other folders (gateway/, subgraphs/, ...).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const PLATFORM = path.join(__dirname, '..', 'platform');
const LAYERS = ['core', 'access', 'data', 'server'];
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"\n]+)['"]/g;

/** Every file under platform/, relative to it, with `/` separators. */
function platformFiles(folder = PLATFORM): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    return entry.isDirectory() ? platformFiles(full) : [path.relative(PLATFORM, full).split(path.sep).join('/')];
  });
}

/** The imports that break the layering, as `file -> specifier (why)`, of sources given by their path under platform/. */
function layerViolations(sources: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [file, text] of sources) {
    const rank = LAYERS.indexOf(file.split('/')[0]);
    for (const [, specifier] of text.matchAll(SPECIFIER)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      const layer = target.startsWith('..') ? null : target.split('/')[0];
      if (layer === null) found.push(`${file} -> ${specifier} (outside platform/)`);
      else if (LAYERS.indexOf(layer) > rank) found.push(`${file} -> ${specifier} (${layer} is above ${file.split('/')[0]})`);
    }
  }
  return found;
}

describe('platform layers', () => {
  const files = platformFiles();

  test('every file of platform/ is in a layer folder', () => {
    expect(files.filter((file) => !LAYERS.includes(file.split('/')[0]) || !file.includes('/'))).toEqual([]);
    expect(LAYERS.filter((layer) => !files.some((file) => file.startsWith(`${layer}/`)))).toEqual([]);
  });

  test('no platform file imports a higher layer or a folder outside platform/', () => {
    const sources = new Map(files.filter((file) => file.endsWith('.ts')).map((file) => [file, readFileSync(path.join(PLATFORM, file), 'utf8')]));
    expect(sources.size).toBeGreaterThan(40);
    expect(layerViolations(sources)).toEqual([]);
  });

  test('the check names an import of a higher layer, type-only too, and one outside platform/', () => {
    const sources = new Map([
      ['core/a.ts', "import type { Filter } from '../data/connections';\nimport { log } from './log';"],
      ['data/b.ts', "import { startSubgraph } from '../server/subgraph';\nimport { hasScope } from '../access/checks';"],
      ['access/c.ts', "const t = require('../../gateway/auth');"],
    ]);
    expect(layerViolations(sources)).toEqual([
      'core/a.ts -> ../data/connections (data is above core)',
      'data/b.ts -> ../server/subgraph (server is above data)',
      'access/c.ts -> ../../gateway/auth (outside platform/)',
    ]);
  });
});
