#!/usr/bin/env node
/*
 * Mends @cloud-copilot/iam-simulate (a devDependency of the access-path tests only; AGPL-3.0, never shipped) so that
 * it honours request context keys whose variable part follows a colon, such as
 * `kms:EncryptionContext:aws:scheduler:schedule:arn`. Version 0.1.173 only understands variable keys written
 * `prefix/variable` (`aws:ResourceTag/team`): it silently drops `kms:EncryptionContext:<key>` from the request, so every
 * encryption-context condition evaluates as if the key were missing.
 *
 * Two small insertions, at the top of two functions of the installed package (CommonJS and ES module builds):
 *   - `listHasVariableKeyMatch` (which request keys are kept) also matches `prefix${Variable}` spec keys;
 *   - `replaceVariableInContextKey` (the key's canonical spelling) keeps the request's variable part after the prefix.
 *
 * Runs before every jest run (globalSetup, test/support/mend-evaluator.js), never at install: the package has no
 * install-time script. Idempotent; when the package is absent or its code changed, it says so and the access-path test
 * `the evaluator mend is in place` fails.
 */
const fs = require('fs');
const path = require('path');

const MARKER = '/* cdk-encrypted-constructs mend: colon variables */';

const INSERTIONS = [
  {
    file: 'simulation_engine/simulationEngine.js',
    anchor: 'function listHasVariableKeyMatch(lowerCaseKey, contextVariables) {',
    code: `${MARKER} for (const v of contextVariables) { const i = v.indexOf('\${'); if (i > 0 && !v.slice(0, i).includes('/') && lowerCaseKey.length > i && lowerCaseKey.startsWith(v.slice(0, i))) return true; }`,
  },
  {
    file: 'context_keys/contextKeys.js',
    anchor: 'function replaceVariableInContextKey(specKey, actualKey) {',
    code: `${MARKER} { const i = specKey.indexOf('\${'); if (i > 0 && !specKey.slice(0, i).includes('/')) return specKey.slice(0, i) + actualKey.slice(i); }`,
  },
];

function packageDir() {
  try {
    // The package exports only its entry points: go up from dist/cjs/index.js.
    const entry = require.resolve('@cloud-copilot/iam-simulate', { paths: [path.join(__dirname, '..')] });
    return path.resolve(path.dirname(entry), '..', '..');
  } catch {
    return undefined;
  }
}

/** Applies the mend; returns the list of problems (empty when every file is mended). */
function mend() {
  const dir = packageDir();
  if (!dir) return ['@cloud-copilot/iam-simulate is not installed'];
  const problems = [];
  for (const build of ['cjs', 'esm']) {
    for (const insertion of INSERTIONS) {
      const file = path.join(dir, 'dist', build, insertion.file);
      if (!fs.existsSync(file)) {
        problems.push(`${file} is missing`);
        continue;
      }
      const source = fs.readFileSync(file, 'utf8');
      if (source.includes(MARKER)) continue;
      if (!source.includes(insertion.anchor)) {
        problems.push(`${file} no longer contains "${insertion.anchor}"`);
        continue;
      }
      fs.writeFileSync(file, source.replace(insertion.anchor, `${insertion.anchor}\n    ${insertion.code}`));
    }
  }
  return problems;
}

/** True when every file of the installed package carries the mend. */
function isMended() {
  const dir = packageDir();
  if (!dir) return false;
  return ['cjs', 'esm'].every(build => INSERTIONS.every(insertion => {
    const file = path.join(dir, 'dist', build, insertion.file);
    return fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(MARKER);
  }));
}

module.exports = { mend, isMended, MARKER };

if (require.main === module) {
  const problems = mend();
  if (problems.length > 0) {
    console.warn(`mend-iam-simulate: not applied:\n  ${problems.join('\n  ')}`);
  }
}
