import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnResource, Stack, Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One unacknowledged finding: which pack and rule, on which construct. */
export interface Finding {
  readonly pack: string;
  readonly rule: string;
  readonly path: string;
  readonly description: string;
}

/** The five cdk-nag packs every construct must pass. */
export function nagPacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks(), new ServerlessChecks()];
}

/**
 * A Control Tower rule file of @cdklabs/cdk-validator-cfnguard: the resource types it names, and whether it reads
 * only resources of those types (then it runs on a copy of each template holding only those, see `runGuard`).
 */
export interface RuleFile {
  readonly file: string;
  readonly types: ReadonlySet<string>;
  readonly typeScoped: boolean;
}
let ruleFiles: RuleFile[] | undefined;
const validators = new Map<string, CfnGuardValidator>();

/** Every Control Tower rule file, read once per test file. */
export function controlTowerRules(): RuleFile[] {
  if (!ruleFiles) {
    const root = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.guard') ? [path.join(dir, e.name)] : []));
    ruleFiles = walk(root).sort().map(file => {
      const text = fs.readFileSync(file, 'utf8');
      return { file, types: new Set(text.match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? []), typeScoped: readsOnlyItsTypes(text) };
    });
    if (ruleFiles.length === 0 || ruleFiles.some(r => r.types.size === 0)) throw new Error('cfn-guard rule files without resource types: select them all');
  }
  return ruleFiles;
}

/**
 * Whether a rule file reaches the template's resources only through its own resource types: every `Resources` in its
 * code (comments and `<< >>` messages left out) is `Resources exists`, a `Resources.*[ Type == %X ]` filter, or the
 * `query_for_resource` helper that looks a referenced resource up by logical id and then requires `Type == %x` of a
 * type the caller names. Such a rule finds in a template exactly what it finds in the template's resources of the
 * types it names (a local reference to a resource of another type fails the type check either way). Anything else,
 * e.g. lambda_function_public_access_prohibited_check, whose `query_for_resource` accepts a reference to any resource,
 * runs on whole templates.
 */
function readsOnlyItsTypes(text: string): boolean {
  const code = text.replace(/<<[\s\S]*?>>/g, '').split('\n').filter(line => !/^\s*#/.test(line)).join('\n');
  const lookup = /let referenced_resource = %doc\.Resources\[ keys == %resource_key \]\s*%referenced_resource not empty\s*%referenced_resource \{\s*Type (==|in) %\w+\s*\}/g;
  const rest = code.replace(lookup, '').replace(/Resources exists/g, '').replace(/Resources(\.\*)?\[\s*Type == %\w+(\s+or\s+Type == %\w+)*\s*\]/g, '');
  return !/Resources/.test(rest);
}

/** A validator running exactly these rule files (one per distinct set, reused). */
function validatorFor(rules: string[]): CfnGuardValidator {
  const key = rules.join('\n');
  let validator = validators.get(key);
  if (!validator) {
    validator = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules });
    validators.set(key, validator);
  }
  return validator;
}

/**
 * Runs the five cdk-nag v3 packs and the cfn-guard AWS Control Tower rules over a stack and returns every finding
 * that is not acknowledged (with `Validations.of(construct).acknowledge`) on the violating construct or an ancestor.
 *
 * Call it before the first `Template.fromStack` of the same app, or on a stack whose app was not synthesized yet;
 * it synthesizes the app itself.
 */
export function unacknowledgedFindings(stack: Stack): Finding[] {
  return [...nagFindings(stack), ...guardFindings(stack)];
}

/** The five cdk-nag packs' findings on a stack that are not acknowledged (cdk-nag reads the acknowledgements itself). */
export function nagFindings(stack: Stack): Finding[] {
  const findings: Finding[] = [];
  for (const pack of nagPacks()) {
    const report = pack.validateScope(stack);
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        findings.push({ pack: pack.readPackName, rule: violation.ruleName, path: resource.constructPath ?? resource.resourceLogicalId ?? '?', description: violation.description });
      }
    }
  }
  return findings;
}

/**
 * cfn-guard Control Tower findings, filtered by acknowledgements on the violating construct or its ancestors. Several
 * stacks are checked in one cfn-guard run per rule group, which costs about as much as checking one.
 */
export function guardFindings(...stacks: Stack[]): Finding[] {
  return runGuard(stacks).filter(v => !(v.construct && isAcknowledged(v.construct, v.finding.rule))).map(v => v.finding);
}

/**
 * cfn-guard Control Tower findings on the raw templates, acknowledgements IGNORED: what AWS Control Tower's proactive
 * controls see, since they run as CloudFormation hooks on resource properties at deploy time and never read the
 * acknowledgement metadata. Several stacks (of one app or several) are checked in one cfn-guard run, which costs
 * about as much as checking one. Each finding's path is the violating construct's path (stack id first).
 */
export function rawGuardFindings(...stacks: Stack[]): Finding[] {
  return runGuard(stacks).map(v => v.finding);
}

/**
 * Stacks a test file checks one by one, with the Control Tower rules run once over all of them: one cfn-guard run per
 * rule group costs about as much for five stacks as for one (about 1.5 s for a stack with an RDS instance). `add`
 * every stack before the first `unacknowledged` (in the describe bodies, which jest runs before any test); the first
 * `unacknowledged` synthesizes them all.
 */
export class ComplianceBatch {
  private readonly stacks: Stack[] = [];
  private guard?: { finding: Finding; stack?: Stack }[];

  /** Adds a stack to the batch and returns it. */
  public add<T extends Stack>(stack: T): T {
    if (this.guard) throw new Error(`ComplianceBatch: ${stack.node.path} was added after the guard rules ran; add every stack first`);
    this.stacks.push(stack);
    return stack;
  }

  /** The stack's unacknowledged findings: the five cdk-nag packs', then the Control Tower rules' (as `unacknowledgedFindings`). */
  public unacknowledged(stack: Stack): Finding[] {
    if (!this.stacks.includes(stack)) throw new Error(`ComplianceBatch: ${stack.node.path} was never added`);
    this.guard ??= runGuard(this.stacks).filter(v => !(v.construct && isAcknowledged(v.construct, v.finding.rule)));
    return [...nagFindings(stack), ...this.guard.filter(v => v.stack === stack).map(v => v.finding)];
  }
}

/** One Control Tower finding, with the construct and the stack it is in (when known). */
interface GuardViolation {
  readonly finding: Finding;
  readonly construct?: CfnResource;
  readonly stack?: Stack;
}

/** A stack, its synthesized template, and its L1 resources by logical id. */
interface Checked {
  readonly stack: Stack;
  readonly template: any;
  readonly byLogicalId: Map<string, CfnResource>;
}

/**
 * Runs the Control Tower rules over the stacks' templates; each violation with its construct, when known.
 *
 * Only the rule files naming a resource type of the templates run (a rule selects the resources it checks by type, so
 * a rule naming none of the templates' types can find nothing in them). cfn-guard's time grows with rules × template
 * size, whatever the rule reads: a rule file that reads only resources of its own types (`readsOnlyItsTypes`) runs on
 * copies of the templates holding only those resources, one cfn-guard run per distinct set of types (about 17 runs of
 * 0.1-2 s on a 200-resource fuzz batch instead of one of ~14 s). Every rule still sees every resource it can check.
 * `GUARD_CROSSCHECK=1` also runs every selected rule on the whole templates and fails on any difference
 * (`GUARD_CROSSCHECK=<file>`: and appends what it compared to the file).
 */
function runGuard(stacks: Stack[]): GuardViolation[] {
  const checked: Checked[] = stacks.map(stack => {
    const byLogicalId = new Map<string, CfnResource>();
    for (const c of stack.node.findAll()) {
      if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) byLogicalId.set(stack.resolve(c.logicalId), c);
    }
    return { stack, template: synthesizedTemplate(stack), byLogicalId };
  });
  const present = new Set(checked.flatMap(c => typesOf(c.template.Resources)));
  // Rule files by the set of present types they read ('*': whole templates), in rule-file order.
  const groups = new Map<string, { types?: Set<string>; rules: string[] }>();
  for (const rule of controlTowerRules()) {
    const named = [...rule.types].filter(t => present.has(t)).sort();
    if (named.length === 0) continue;
    const key = rule.typeScoped ? named.join(',') : '*';
    if (!groups.has(key)) groups.set(key, { types: rule.typeScoped ? new Set(named) : undefined, rules: [] });
    groups.get(key)!.rules.push(rule.file);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  try {
    const found = [...groups.values()].flatMap((group, g) => guard(dir, `g${g}`, group.rules, checked, group.types));
    if (process.env.GUARD_CROSSCHECK && groups.size > 0) {
      const all = [...groups.values()].flatMap(group => group.rules);
      const whole = guard(dir, 'whole', controlTowerRules().map(r => r.file).filter(f => all.includes(f)), checked);
      const keys = (list: typeof found) => list.map(v => `${v.finding.rule} at ${v.finding.path}`).sort();
      if (JSON.stringify(keys(found)) !== JSON.stringify(keys(whole))) {
        throw new Error(`GUARD_CROSSCHECK: per-type runs found\n${keys(found).join('\n')}\nwhole templates found\n${keys(whole).join('\n')}`);
      }
      if (process.env.GUARD_CROSSCHECK !== '1') {
        fs.appendFileSync(process.env.GUARD_CROSSCHECK, `${JSON.stringify({ stacks: checked.map(c => c.stack.node.path), rules: all.length, runs: groups.size, findings: found.length })}\n`);
      }
    }
    return found;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One cfn-guard run of `rules` over the templates, each cut down to the resources of `types` when given. */
function guard(dir: string, name: string, rules: string[], checked: Checked[], types?: Set<string>): GuardViolation[] {
  const byFile = new Map<string, Checked>();
  checked.forEach((c, i) => {
    const resources = types ? Object.fromEntries(Object.entries<any>(c.template.Resources ?? {}).filter(([, r]) => types.has(r.Type))) : c.template.Resources;
    if (types && Object.keys(resources).length === 0) return;
    const file = path.join(dir, `${name}-${i}-${c.stack.artifactId}.template.json`);
    fs.writeFileSync(file, JSON.stringify({ ...c.template, Resources: resources }));
    byFile.set(file, c);
  });
  if (byFile.size === 0) return [];
  const report = validatorFor(rules).validate({ templatePaths: [...byFile.keys()] } as any);
  const found: GuardViolation[] = [];
  for (const violation of report.violations) {
    const rule = violation.ruleName;
    for (const resource of violation.violatingResources) {
      const owner = byFile.get(resource.templatePath) ?? (byFile.size === 1 ? [...byFile.values()][0] : undefined);
      const construct = resource.resourceLogicalId ? owner?.byLogicalId.get(resource.resourceLogicalId) : undefined;
      const at = construct?.node.path ?? `${owner?.stack.node.path ?? resource.templatePath}/${resource.resourceLogicalId ?? '?'}`;
      found.push({ finding: { pack: 'CfnGuard', rule, path: at, description: violation.description }, construct, stack: owner?.stack });
    }
  }
  return found;
}

const typesOf = (resources: Record<string, any> | undefined): string[] => Object.values<any>(resources ?? {}).map(r => r.Type);

/** Renders findings one per line, for readable test failures. */
export function formatFindings(findings: Finding[]): string[] {
  return findings.map(f => `${f.pack} ${f.rule} at ${f.path}`);
}

function isAcknowledged(construct: IConstruct, rule: string): boolean {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data && Object.keys(entry.data).some(id => id === rule || id.endsWith(`::${rule}`))) {
        return true;
      }
    }
  }
  return false;
}

/** The stack's template, synthesizing its app (or stage) unless it already was. */
function synthesizedTemplate(stack: Stack): any {
  const stage = Stage.of(stack) as Stage | App;
  return stage.synth().getStackArtifact(stack.artifactId).template;
}
