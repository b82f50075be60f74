import { CustomResource, Duration, Lazy, Reference } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { EncryptionVerifierOptions, VerifierProvider } from './provider';
import { VerifiedResource } from './verified-resource';
import { stackEnvironment } from '../internal/arns';
import { PropValidationError, PropValidator, requiredObject } from '../internal/validation';
import { VERIFICATION_CONTEXT_KEY } from '../key/conditions';
import { checkKey } from '../key/key-checks';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { guardStackQuotas } from '../quotas/quota-guards';

// Public API (src/index.ts re-exports this file): the resources and the stack's verifier options live beside it.
export { VerifiedResource } from './verified-resource';
export type { DbClusterVerificationOptions, DbInstanceVerificationOptions } from './verified-resource';
export type { EncryptionVerifierOptions } from './provider';

/**
 * Properties of an `EncryptionVerification`.
 */
export interface EncryptionVerificationProps {
  /** The key that must protect the resources. */
  readonly key: kms.IKey;
  /** The resources whose key binding is checked. */
  readonly resources: VerifiedResource[];
  /**
   * Require key rotation to be enabled. Turn off only for an imported key whose owner rotates it another way.
   *
   * @default true
   */
  readonly checkRotation?: boolean;
}

/**
 * A custom resource that proves, at deploy time and against the live account, that a key protects the given
 * resources and round-trips data under the verifier's own encryption context.
 *
 * On create and update it checks: the key is enabled, customer managed, symmetric and rotating; a data key
 * generated under the verification context decrypts to the same bytes; the same ciphertext is rejected under
 * another context; and each resource names the key. Delete does nothing. All verifications in a stack share ONE
 * Lambda function, role and log group.
 */
export class EncryptionVerification extends Construct {
  /**
   * Puts the verifier function of the stack of `scope` in a VPC. The stack has one verifier, shared by every
   * construct in it, so this is a setting of the stack rather than of each construct: call it before the stack's first
   * encrypted construct (or `EncryptionVerification`). A nested stack has its own verifier, configured on its own.
   *
   * @example
   * import { EncryptionVerification } from 'cdk-encrypted-constructs';
   *
   * EncryptionVerification.configure(this, { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
   */
  public static configure(scope: IConstruct, options: EncryptionVerifierOptions): void {
    VerifierProvider.configure(scope, options);
  }

  /** The encryption context the verifier uses for this resource's round trip. */
  public readonly verificationContext: { [key: string]: string };
  /** The custom resource. */
  public readonly resource: CustomResource;

  private readonly key: kms.IKey;
  private readonly provider: VerifierProvider;
  private readonly resources: VerifiedResource[] = [];

  constructor(scope: Construct, id: string, props: EncryptionVerificationProps) {
    super(scope, id);
    guardStackQuotas(this);
    // JavaScript callers: a missing or null key or resources fails here, naming the prop, instead of as a TypeError below
    const v = new PropValidator(this);
    if (!v.props(props, {
      key: requiredObject('a kms.IKey', 'keyArn'),
      resources: {
        allowed: 'an array of VerifiedResource (VerifiedResource.schedule, eventBus, archive, connection, dbInstance, dbCluster, queue, topic or stream)',
        is: value => Array.isArray(value) && value.every(r => r instanceof VerifiedResource),
      },
    })) v.throwIfInvalid();
    // A key that cannot round-trip (asymmetric, HMAC), an alias or AWS managed key, or rotation off while it is checked:
    // the check would fail on every deploy.
    checkKey(v, this, props.key, 'key', props.checkRotation === false ? undefined : 'checkRotation');
    v.throwIfInvalid();
    this.provider = VerifierProvider.of(this);
    this.key = props.key;
    this.verificationContext = { [VERIFICATION_CONTEXT_KEY]: this.node.path };

    this.provider.allow(props.key, props.resources);
    addKeyStatements(this, props.key, [
      ...KeyPolicyStatements.verifier({ ...stackEnvironment(this), verifierRole: this.provider.role }),
      ...this.scheduleReads(props.resources),
    ], 'the deploy-time encryption verifier');

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.provider.function.functionArn,
      resourceType: 'Custom::EncryptionVerification',
      serviceTimeout: Duration.seconds(VerifierProvider.TIMEOUT_SECONDS + 60),
      properties: {
        KeyArn: props.key.keyArn,
        VerificationContext: this.verificationContext,
        CheckRotation: String(props.checkRotation ?? true),
        // rendered at synthesis: addResource may add more
        Resources: Lazy.any({ produce: () => this.resources.map(r => r.descriptor) }),
      },
    });
    this.provider.waitFor(this.resource);
    this.resources.push(...props.resources);
    this.waitForResources(props.resources);
  }

  /**
   * Checks one more resource with the same key, in the same custom resource: its read-only call is allowed to the
   * verifier role, and the verification waits for it. A changed list of resources is a changed verification: the next
   * deploy runs it again.
   */
  public addResource(resource: VerifiedResource): void {
    if (!(resource instanceof VerifiedResource)) {
      throw new PropValidationError(`invalid ${this.node.path}.addResource:\n  - resource: got ${typeof resource}; must be a VerifiedResource`);
    }
    this.provider.allow(this.key, [resource]);
    const reads = this.scheduleReads([resource]);
    if (reads.length > 0) addKeyStatements(this, this.key, reads, 'the deploy-time encryption verifier');
    this.resources.push(resource);
    this.waitForResources([resource]);
  }

  /** The key-policy statements that let the verifier read these schedules through Scheduler. */
  private scheduleReads(resources: VerifiedResource[]) {
    return resources.filter(r => r.scheduleArn).map(r => KeyPolicyStatements.verifierScheduleRead({
      ...stackEnvironment(this), verifierRole: this.provider.role, scheduleArn: r.keyPolicyScheduleArn ?? r.scheduleArn!,
    }));
  }

  private waitForResources(resources: VerifiedResource[]): void {
    for (const r of resources) {
      if (r.dependency) this.resource.node.addDependency(r.dependency);
    }
  }

  /** A short human report of the checks that passed (usable in outputs). */
  public get report(): string {
    return this.resource.getAttString('Report');
  }

  /** The number of checks that passed. */
  public get checksPassed(): Reference {
    return this.resource.getAtt('ChecksPassed');
  }
}
