/**
 * A deployed-world model of synthesized CloudFormation templates: every intrinsic resolved to the value AWS returns
 * for that resource type and attribute once the stack is deployed, as the CloudFormation return-value docs describe
 * it. Unknown types, attributes and intrinsics fail loudly: a guess here would make the access-path proof worthless.
 *
 * Return values: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html
 * and each resource type's "Return values" section (linked per type below).
 */
import { modelOf } from './world-types';

/** Where the templates are deployed. */
export interface DeployTarget {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** One synthesized template and the stack name it deploys under. */
export interface StackTemplate {
  readonly stackName: string;
  readonly template: any;
  /** The stack's own environment; `unknown-*` or undefined take the deploy target's. */
  readonly account?: string;
  readonly region?: string;
}

/** A resource of the deployed world. */
export interface DeployedResource {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  /** The raw (unresolved) properties. */
  readonly rawProperties: Record<string, any>;
  /** The construct path (`aws:cdk:path` metadata), when the app was synthesized with path metadata. */
  readonly path?: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** Resolves templates as deployed into one account and region (cross-stack imports included). */
export class DeployedWorld {
  public readonly resources: DeployedResource[] = [];
  private readonly byStack = new Map<string, StackTemplate>();
  private readonly names = new Map<DeployedResource, string>();
  private readonly resolving = new Set<DeployedResource>();
  // The world does not change once built: lookups are memoized (a 200-schedule world answers ~4,000 paths).
  private readonly byType = new Map<string, DeployedResource[]>();
  private readonly resolvedProperties = new Map<DeployedResource, Record<string, any>>();
  private readonly attributes = new Map<DeployedResource, Map<string, string>>();

  constructor(public readonly target: DeployTarget, stacks: StackTemplate[]) {
    for (const stack of stacks) {
      this.byStack.set(stack.stackName, stack);
      for (const [logicalId, resource] of Object.entries<any>(stack.template.Resources ?? {})) {
        if (!modelOf(resource.Type)) {
          throw new Error(`deployed world: no model of ${resource.Type} (${stack.stackName}/${logicalId}); add its return values from the CloudFormation docs`);
        }
        this.resources.push({
          stackName: stack.stackName,
          logicalId,
          type: resource.Type,
          rawProperties: resource.Properties ?? {},
          path: resource.Metadata?.['aws:cdk:path'],
          account: this.known(stack.account) ?? target.account,
          region: this.known(stack.region) ?? target.region,
          partition: target.partition,
        });
      }
    }
  }

  /** The resource with this logical id in the given stack (or the only stack). */
  public resource(logicalId: string, stackName?: string): DeployedResource {
    const found = this.resources.find(r => r.logicalId === logicalId && (stackName === undefined || r.stackName === stackName));
    if (!found) throw new Error(`deployed world: no resource ${logicalId}${stackName ? ` in ${stackName}` : ''}`);
    return found;
  }

  /** Every resource of a type. */
  public ofType(type: string): DeployedResource[] {
    let found = this.byType.get(type);
    if (!found) {
      found = this.resources.filter(r => r.type === type);
      this.byType.set(type, found);
    }
    return [...found];
  }

  /** A resource's resolved properties. */
  public properties(r: DeployedResource): Record<string, any> {
    let resolved = this.resolvedProperties.get(r);
    if (!resolved) {
      // frozen: callers may not change the world (a change throws in strict mode)
      resolved = deepFreeze(this.resolveIn(r.stackName, r.rawProperties)) as Record<string, any>;
      this.resolvedProperties.set(r, resolved);
    }
    return resolved!;
  }

  /** A resource's resolved tags (`Tags` as a list of Key/Value or, for some types, a map). */
  public tags(r: DeployedResource): Record<string, string> {
    const tags = this.resolveIn(r.stackName, r.rawProperties.Tags ?? []);
    if (Array.isArray(tags)) return Object.fromEntries(tags.map((t: any) => [t.Key, t.Value]));
    return tags;
  }

  /** The value of `Ref` on the resource. */
  public ref(r: DeployedResource): string {
    return modelOf(r.type)!.ref(r, this);
  }

  /** The value of `Fn::GetAtt` on the resource. */
  public attribute(r: DeployedResource, attribute: string): string {
    const model = modelOf(r.type)!.attributes?.[attribute];
    if (!model) throw new Error(`deployed world: no model of ${r.type}.${attribute} (${r.logicalId}); see ${modelOf(r.type)!.doc}`);
    const cached = this.attributes.get(r) ?? new Map<string, string>();
    this.attributes.set(r, cached);
    if (!cached.has(attribute)) cached.set(attribute, model(r, this));
    return cached.get(attribute)!;
  }

  /** The physical name of a resource (given or generated). */
  public nameOf(r: DeployedResource): string {
    const cached = this.names.get(r);
    if (cached) return cached;
    const model = modelOf(r.type)!;
    if (!model.name) throw new Error(`deployed world: ${r.type} has no name model`);
    if (this.resolving.has(r)) throw new Error(`deployed world: ${r.logicalId}'s name depends on itself`);
    this.resolving.add(r);
    try {
      const name = model.name(r, this);
      this.names.set(r, name);
      return name;
    } finally {
      this.resolving.delete(r);
    }
  }

  /** The resource whose `Ref` or ARN attribute is this value, if any. */
  public findByArn(resourceArn: string): DeployedResource | undefined {
    return this.resources.find(r => this.arnOf(r) === resourceArn);
  }

  /** The ARN of a resource (its `Arn` attribute, or the `Ref` for types whose Ref is the ARN). */
  public arnOf(r: DeployedResource): string | undefined {
    const attributes = modelOf(r.type)!.attributes ?? {};
    if (attributes.Arn) return attributes.Arn(r, this);
    if (attributes.TopicArn) return attributes.TopicArn(r, this);
    if (attributes.DBInstanceArn) return attributes.DBInstanceArn(r, this);
    if (attributes.DBClusterArn) return attributes.DBClusterArn(r, this);
    if (r.type === 'AWS::IAM::ManagedPolicy') return this.ref(r);
    return undefined;
  }

  /** Resolves every intrinsic in a value, as CloudFormation would in the given stack. */
  public resolveIn(stackName: string, value: any): any {
    if (Array.isArray(value)) return value.map(v => this.resolveIn(stackName, v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return this.intrinsic(stackName, keys[0], value[keys[0]]);
    return Object.fromEntries(keys.map(k => [k, this.resolveIn(stackName, value[k])]));
  }

  private intrinsic(stackName: string, fn: string, arg: any): any {
    const stack = this.byStack.get(stackName)!;
    const account = this.known(stack.account) ?? this.target.account;
    const region = this.known(stack.region) ?? this.target.region;
    switch (fn) {
      case 'Ref': {
        const pseudo: Record<string, string> = {
          'AWS::AccountId': account,
          'AWS::Region': region,
          'AWS::Partition': this.target.partition,
          'AWS::URLSuffix': 'amazonaws.com',
          'AWS::StackName': stackName,
          'AWS::StackId': `arn:${this.target.partition}:cloudformation:${region}:${account}:stack/${stackName}/00000000-0000-4000-a000-000000000000`,
          'AWS::NoValue': undefined as any,
        };
        if (arg in pseudo) return pseudo[arg];
        const parameter = stack.template.Parameters?.[arg];
        if (parameter) {
          if (parameter.Default === undefined) throw new Error(`deployed world: parameter ${arg} has no default`);
          return parameter.Default;
        }
        return this.ref(this.resource(arg, stackName));
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg) ? arg : String(arg).split(/\.(.+)/);
        return this.attribute(this.resource(logicalId, stackName), this.resolveIn(stackName, attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = arg;
        return this.resolveIn(stackName, parts).filter((p: unknown) => p !== undefined).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = this.resolveIn(stackName, arg);
        if (!Array.isArray(list) || list[Number(index)] === undefined) throw new Error(`deployed world: Fn::Select ${index} out of range`);
        return list[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, text] = this.resolveIn(stackName, arg);
        return String(text).split(separator);
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(arg) ? arg : [arg, {}];
        const resolvedVariables = this.resolveIn(stackName, variables);
        return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
          if (name in resolvedVariables) return String(resolvedVariables[name]);
          if (name.includes('.') && !name.startsWith('AWS::')) {
            const [logicalId, attribute] = name.split(/\.(.+)/);
            return this.attribute(this.resource(logicalId, stackName), attribute);
          }
          return String(this.intrinsic(stackName, 'Ref', name));
        }).replace(/\$\{!/g, '${');
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = arg;
        return this.resolveIn(stackName, this.condition(stackName, condition) ? whenTrue : whenFalse);
      }
      case 'Fn::ImportValue': {
        const exportName = this.resolveIn(stackName, arg);
        for (const [name, other] of this.byStack) {
          for (const output of Object.values<any>(other.template.Outputs ?? {})) {
            if (output.Export && this.resolveIn(name, output.Export.Name) === exportName) return this.resolveIn(name, output.Value);
          }
        }
        throw new Error(`deployed world: no stack exports ${exportName}`);
      }
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map(az => `${region}${az}`);
      case 'Fn::Base64':
        return Buffer.from(String(this.resolveIn(stackName, arg))).toString('base64');
      case 'Fn::Equals': case 'Fn::Not': case 'Fn::And': case 'Fn::Or':
        return this.conditionExpression(stackName, { [fn]: arg });
      default:
        throw new Error(`deployed world: intrinsic ${fn} is not modelled`);
    }
  }

  private condition(stackName: string, name: string): boolean {
    const expression = this.byStack.get(stackName)!.template.Conditions?.[name];
    if (expression === undefined) throw new Error(`deployed world: no condition ${name}`);
    return this.conditionExpression(stackName, expression);
  }

  private conditionExpression(stackName: string, expression: any): boolean {
    const [fn] = Object.keys(expression);
    const arg = expression[fn];
    switch (fn) {
      case 'Condition': return this.condition(stackName, arg);
      case 'Fn::Equals': { const [a, b] = this.resolveIn(stackName, arg); return JSON.stringify(a) === JSON.stringify(b); }
      case 'Fn::Not': return !this.conditionExpression(stackName, arg[0]);
      case 'Fn::And': return arg.every((e: any) => this.conditionExpression(stackName, e));
      case 'Fn::Or': return arg.some((e: any) => this.conditionExpression(stackName, e));
      default: throw new Error(`deployed world: condition function ${fn} is not modelled`);
    }
  }

  private known(value: string | undefined): string | undefined {
    return value === undefined || value.startsWith('unknown-') || value.startsWith('${Token') ? undefined : value;
  }
}

/** Freezes a value and everything in it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
