/**
 * One measured synthesis, run in its own process so that peak memory and wall time belong to this run alone.
 *
 *   node -r ts-node/register/transpile-only bench/synth-once.ts <scenario> <ours|hand> <n>
 *
 * Prints one JSON line: { ms, peakRssBytes, templateBytes, resources, functions, trails }.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, STACK_RESOURCE_LIMIT_CONTEXT } from 'aws-cdk-lib';
import { SCENARIOS } from './scenarios';

function main(): void {
  const [name, variant, nText] = process.argv.slice(2);
  const scenario = SCENARIOS.find(s => s.name === name);
  if (!scenario || (variant !== 'ours' && variant !== 'hand')) throw new Error(`usage: synth-once <${SCENARIOS.map(s => s.name).join('|')}> <ours|hand> <n>`);
  const n = Number(nText);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));

  const start = process.hrtime.bigint();
  // CDK refuses stacks over 500 resources; both variants exceed it at N = 100, so the check is lifted for both.
  const app = new App({ outdir, context: { [STACK_RESOURCE_LIMIT_CONTEXT]: 0 } });
  const stack = new Stack(app, 'Bench', { env: { account: '111122223333', region: 'eu-west-1' } });
  (variant === 'ours' ? scenario.ours : scenario.hand)(stack, n);
  // At N = 100 the library's quota guards (managed policies per role, ...) correctly refuse the stack, which no account
  // could deploy either: the benchmark measures synthesis cost, so construct validations are skipped (both variants).
  const assembly = app.synth({ skipValidation: true });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;

  const template = assembly.getStackByName('Bench').template;
  const text = JSON.stringify(template);
  const resources = Object.values<any>(template.Resources ?? {});
  const result = {
    ms,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    templateBytes: Buffer.byteLength(text),
    resources: resources.length,
    // the verifier function, not the scenario's own target functions
    functions: resources.filter(r => r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === 'index.handler' && String(r.Properties?.Description ?? '').startsWith('Verifies at deploy time')).length,
    trails: resources.filter(r => r.Type === 'AWS::CloudTrail::Trail').length,
  };
  fs.rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
