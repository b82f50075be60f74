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
import { App, Stack } from 'aws-cdk-lib';
import { SCENARIOS } from './scenarios';

function main(): void {
  const [name, variant, nText] = process.argv.slice(2);
  const scenario = SCENARIOS.find(s => s.name === name);
  if (!scenario || (variant !== 'ours' && variant !== 'hand')) throw new Error(`usage: synth-once <${SCENARIOS.map(s => s.name).join('|')}> <ours|hand> <n>`);
  const n = Number(nText);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));

  const start = process.hrtime.bigint();
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bench', { env: { account: '111122223333', region: 'eu-west-1' } });
  (variant === 'ours' ? scenario.ours : scenario.hand)(stack, n);
  const assembly = app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;

  const template = assembly.getStackByName('Bench').template;
  const text = JSON.stringify(template);
  const resources = Object.values<any>(template.Resources ?? {});
  const result = {
    ms,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    templateBytes: Buffer.byteLength(text),
    resources: resources.length,
    functions: resources.filter(r => r.Type === 'AWS::Lambda::Function').length,
    trails: resources.filter(r => r.Type === 'AWS::CloudTrail::Trail').length,
  };
  fs.rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
