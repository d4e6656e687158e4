// The shape of the runtime code (issue 21): no function, method or arrow
// function longer than MAX_FUNCTION_LINES lines, counted from the line its
// declaration starts on to the line it ends on (its doc comment left out).
// Runtime code: the services, the platform, the schema tools, the operators'
// commands and the benchmark; not the tests, the front end (web/, checked by
// its own build) or generated files.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const RUNTIME_DIRS = ['gateway', 'platform', 'subgraphs', 'schema', 'cli', 'scripts', 'bench'];
const MAX_FUNCTION_LINES = 60;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' || entry.name === 'node_modules' ? [] : sourceFiles(relative);
    return /\.(ts|mts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });
}

type FunctionNode = ts.FunctionDeclaration | ts.MethodDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.ConstructorDeclaration | ts.AccessorDeclaration;

function isFunction(node: ts.Node): node is FunctionNode {
  return ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isConstructorDeclaration(node) || ts.isAccessor(node);
}

/** What a reader would call the function: its name, or the name it is given (variable, property, class member), or what it is passed to. */
function nameOf(node: FunctionNode): string {
  if (ts.isConstructorDeclaration(node)) return `${ts.isClassLike(node.parent) ? (node.parent.name?.text ?? 'class') : 'class'}.constructor`;
  if (node.name) {
    const own = node.name.getText();
    return ts.isClassLike(node.parent) && node.parent.name ? `${node.parent.name.text}.${own}` : own;
  }
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText();
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) return `(passed to ${parent.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

interface LongFunction {
  file: string;
  line: number;
  name: string;
  lines: number;
}

function longFunctions(files: string[], maxLines = MAX_FUNCTION_LINES): LongFunction[] {
  const found: LongFunction[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (isFunction(node) && node.body) {
        const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        const lines = last - first + 1;
        if (lines > maxLines) found.push({ file, line: first + 1, name: nameOf(node), lines });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

test(`no runtime function is longer than ${MAX_FUNCTION_LINES} lines`, () => {
  const files = RUNTIME_DIRS.flatMap(sourceFiles);
  expect(files.length).toBeGreaterThan(100);
  const long = longFunctions(files).map(({ file, line, name, lines }) => `${file}:${line} ${name}: ${lines} lines`);
  expect(long).toEqual([]);
});

test('the measure counts a function from its first line to its last, nested ones on their own', () => {
  const file = path.posix.join('test', 'fixtures', 'code-shape-sample.ts');
  expect(longFunctions([file], 5)).toEqual([
    { file, line: 3, name: 'sixLines', lines: 6 },
    { file, line: 10, name: 'outer', lines: 9 },
    { file, line: 11, name: 'inner', lines: 6 },
    { file, line: 21, name: 'Sample.method', lines: 6 },
  ]);
});
