/**
 * Run after jsii-pacmak (tasks package:python and package:go): the README of the generated bindings shows code in the
 * binding's language. jsii-pacmak puts each TypeScript block of README.md into a ```python (or ```go) fence, with the
 * translation from the rosetta tablet (scripts/rosetta.ts) or, when it has none, the TypeScript source unchanged.
 * This fails when a fence of that language still holds TypeScript, and when no README has such a fence at all.
 *
 * Usage: check-bindings-readme.ts <python|go> <output directory of jsii-pacmak, e.g. dist/python-code>
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Lines only TypeScript writes: neither rosetta's Python nor its Go contains them (comments are skipped). */
const TYPESCRIPT_ONLY: [RegExp, string][] = [
  [/^\s*import\s*(\{|\*\s*as\s)/, 'an ES import'],
  [/^\s*(export\s+)?(const|let)\s+\w+\s*(:[^=]+)?=/, 'a const/let declaration'],
  [/^\s*declare\s/, 'a declare statement'],
  [/\bnew\s+[A-Za-z_][\w.]*\s*\(/, 'a `new` expression'],
  [/=>/, 'an arrow function'],
  [/;\s*$/, 'a statement ending in ;'],
];

const COMMENT: Record<string, RegExp> = { python: /^\s*#/, go: /^\s*\/\// };

/** The README.md files under `dir` (jsii-pacmak writes one per package: python/README.md, go/<package>/README.md). */
function readmes(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf-8' })
    .filter(f => path.basename(f) === 'README.md' && !f.split(path.sep).includes('node_modules'))
    .map(f => path.join(dir, f))
    .sort();
}

/** The problems of one README, and how many fences of `language` it has. */
function check(language: string, comment: RegExp, file: string): { problems: string[]; fences: number } {
  const lines = fs.readFileSync(file, 'utf-8').split('\n');
  const problems: string[] = [];
  let fences = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (open[1] === language) {
      fences++;
      for (let l = i + 1; l < end; l++) {
        if (comment.test(lines[l])) continue;
        // String literals are data (e.g. a Lambda function's inline JavaScript), not the block's language.
        const code = lines[l].replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
        const hit = TYPESCRIPT_ONLY.find(([pattern]) => pattern.test(code));
        if (hit) problems.push(`${file}:${l + 1}: ${hit[1]} in a \`\`\`${language} block (untranslated TypeScript?): ${lines[l].trim()}`);
      }
    }
    i = end;
  }
  return { problems, fences };
}

const [language, dir] = process.argv.slice(2);
const comment = COMMENT[language ?? ''];
if (!comment || !dir) {
  console.error('usage: check-bindings-readme.ts <python|go> <output directory of jsii-pacmak>');
  process.exit(2);
}
const files = fs.existsSync(dir) ? readmes(dir) : [];
const results = files.map(file => check(language, comment, file));
const problems = results.flatMap(r => r.problems);
const fences = results.reduce((sum, r) => sum + r.fences, 0);
if (fences === 0) problems.push(`${dir}: no README.md with a \`\`\`${language} block (${files.length} README.md found): were the README's TypeScript blocks translated?`);
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`[check-bindings-readme] ${files.join(', ')}: all ${fences} \`\`\`${language} blocks hold ${language}`);
