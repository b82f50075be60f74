/**
 * How the rule pack's test runs both engines: cdk-nag over each app's construct tree, cfn-guard once over all the
 * apps' templates, and both findings in one shape, keyed by stack, rule and logical id.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { runGuard } from './guard';
import { EncryptedConstructsChecks } from '../../src';

/** One finding of either engine: the rule (its id without the pack's prefix), the stack, the resource. */
export interface Finding {
  readonly rule: string;
  readonly stack: string;
  readonly logicalId: string;
  /** The resource's construct path. */
  readonly path: string;
}

export const PREFIX = 'EncryptedConstructs-';
export const GUARD_FILE = EncryptedConstructsChecks.GUARD_RULES_FILE;

/** Every L1 resource of an app by construct path, with its stack and logical id. */
function resourcesOf(app: App): Map<string, { stack: string; logicalId: string }> {
  const byPath = new Map<string, { stack: string; logicalId: string }>();
  for (const c of app.node.findAll()) {
    if (CfnResource.isCfnResource(c)) byPath.set(c.node.path, { stack: Stack.of(c).stackName, logicalId: Stack.of(c).resolve(c.logicalId) });
  }
  return byPath;
}

/** The pack's findings on an app, as cdk-nag reports them (acknowledged ones left out). */
export function nagFindings(app: App): Finding[] {
  const resources = resourcesOf(app);
  return new EncryptedConstructsChecks().validateScope(app).violations.flatMap(v => v.violatingResources.map(r => {
    const resource = resources.get(r.constructPath!)!;
    return { rule: v.ruleName.replace(PREFIX, ''), stack: resource.stack, logicalId: resource.logicalId, path: r.constructPath! };
  }));
}

/**
 * The resource types the guard file reads (every `Type == '...'` in it). cfn-guard's time grows with a template's size
 * whatever the rules read, so it runs on copies of the templates cut down to these types: every rule selects the
 * resources it checks, and those it follows references to, by these types, so it finds in a cut template exactly what
 * it finds in the whole one. `GUARD_WHOLE_TEMPLATES=1` runs it on the whole templates instead (the same findings).
 */
function guardTypes(): Set<string> {
  return new Set([...fs.readFileSync(GUARD_FILE, 'utf8').matchAll(/Type == '(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)'/g)].map(m => m[1]));
}

/** The guard file's findings on the apps' synthesized templates, in ONE cfn-guard run, by app name. */
export function guardFindings<K extends string>(apps: Record<K, App>): Record<K, Finding[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rule-pack-'));
  const whole = process.env.GUARD_WHOLE_TEMPLATES === '1';
  const types = guardTypes();
  try {
    const inputs = new Map<string, { app: K; stack: string }>();
    for (const name of Object.keys(apps) as K[]) {
      for (const stack of apps[name].synth().stacks) {
        let file = stack.templateFullPath;
        if (!whole) {
          file = path.join(dir, `${stack.stackName}.template.json`);
          fs.writeFileSync(file, JSON.stringify({ Resources: Object.fromEntries(Object.entries<any>(stack.template.Resources).filter(([, r]) => types.has(r.Type))) }));
        }
        inputs.set(file, { app: name, stack: stack.stackName });
      }
    }
    const found = Object.fromEntries(Object.keys(apps).map(name => [name, [] as Finding[]])) as Record<K, Finding[]>;
    const resources = new Map((Object.keys(apps) as K[]).map(name => [name, [...resourcesOf(apps[name]).entries()]]));
    for (const finding of runGuard(GUARD_FILE, [...inputs.keys()])) {
      const { app, stack } = inputs.get(finding.templatePath)!;
      const resource = resources.get(app)!.find(([, r]) => r.stack === stack && r.logicalId === finding.logicalId);
      found[app].push({ rule: finding.rule, stack, logicalId: finding.logicalId, path: resource?.[0] ?? `${stack}/${finding.logicalId}` });
    }
    return found;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Findings as sorted `stack rule logicalId` lines, duplicates removed (the two engines' common ground). */
export function findingKeys(findings: Finding[]): string[] {
  return [...new Set(findings.map(f => `${f.stack} ${f.rule} ${f.logicalId}`))].sort();
}
