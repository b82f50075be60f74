import { checkArn } from '../internal/validation';

/**
 * How a construct's KMS key use is audited: the account's library trail (default), an existing trail, or none.
 *
 * A class with factory methods rather than a union, so it reads the same from every jsii language:
 * `AuditTrail.accountShared()`, `AuditTrail.fromTrailArn(arn)`, `AuditTrail.none()`.
 */
export class AuditTrail {
  /**
   * One multi-region `KeyAuditTrail` per AWS account for the whole app, shared by every construct of every stack
   * of that account (created on first use, in the first stack that needs it, unless `KeyAuditTrail.of(stack)` placed it
   * first). Every stack alerts on tampering with its own keys.
   */
  public static accountShared(): AuditTrail {
    return new AuditTrail('account');
  }

  /**
   * The former name of `AuditTrail.accountShared`: the trail is now shared by the whole account, not one per stack
   * (AWS allows 5 trails per region per account).
   *
   * @deprecated use `AuditTrail.accountShared()`
   */
  public static stackShared(): AuditTrail {
    return new AuditTrail('account');
  }

  /**
   * An existing trail (for example an organization trail or the AWS Control Tower trail) already records the key's
   * management events: create no trail. Each stack still alerts on tampering with its keys (the trail delivers the KMS
   * calls to EventBridge in every region it records).
   *
   * @param trailArn ARN of the existing trail, reported in the construct's `auditTrailArn`
   */
  public static fromTrailArn(trailArn: string): AuditTrail {
    checkTrailArn('AuditTrail.fromTrailArn', trailArn);
    return new AuditTrail('existing', trailArn);
  }

  /** Create no trail and no key-tampering alert. KMS calls are still in the account's 90-day CloudTrail event history. */
  public static none(): AuditTrail {
    return new AuditTrail('none');
  }

  private constructor(
    /** `account`, `existing` or `none`. */
    public readonly mode: string,
    /** The existing trail's ARN when mode is `existing`. */
    public readonly trailArn?: string,
  ) {}
}

/**
 * A trail's ARN: `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`, the name 3 to 128 ASCII letters, digits,
 * `.`, `_` or `-`, starting and ending with a letter or digit. Tokens are left to CloudFormation.
 *
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html#awscloudtrail-CreateTrail-request-Name
 */
const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;

/** Throws the library's validation error unless `value` is a trail ARN (or a token). */
export function checkTrailArn(where: string, value: unknown): void {
  checkArn(where, 'trailArn', value, TRAIL_ARN, 'a CloudTrail trail ARN, arn:<partition>:cloudtrail:<region>:<account>:trail/<name>');
}
