import { Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { AuditTrail, checkTrailArn } from './audit-trail';
import { AUDIT_TRAIL_CONTEXT_KEY } from './constants';
import { KeyAuditTrail } from './key-audit-trail';
import { KeyTamperingAlert } from './tampering-alert';
import { PropValidationError } from '../internal/validation';

/**
 * Applies the audit-trail choice for a construct's key and returns the ARN of the trail that audits it, if any.
 * Precedence: the construct's own choice, then the app-wide context key, then the account's library trail.
 * Unless the choice is `none`, the key joins its stack's key-tampering alert.
 */
export function auditKey(scope: IConstruct, key: kms.IKey, choice: AuditTrail | undefined): string | undefined {
  const resolved = choice ?? fromContext(scope);
  switch (resolved.mode) {
    case 'none':
      return undefined;
    case 'existing':
      KeyTamperingAlert.hubOf(scope).watchKey(key);
      return resolved.trailArn;
    default: {
      const trail = KeyAuditTrail.of(scope);
      trail._checkRecords(scope);
      KeyTamperingAlert.hubOf(scope).watchKey(key);
      return trail.trailArn;
    }
  }
}

/**
 * Watches a key that the library's alerts, alarms or dead letters travel through (a topic or queue the user gave), when
 * the stack audits its keys: when such a key is disabled or re-permissioned, the alarms and dead letters it carries are
 * silenced, so the tampering alert must report it. A stack that audits nothing has no alert hub, and this does nothing.
 */
export function watchChannelKey(scope: IConstruct, key: kms.IKey | undefined): void {
  if (!key) return;
  const hub = Stack.of(scope).node.tryFindChild(KeyTamperingAlert.ID);
  if (hub instanceof KeyTamperingAlert) hub.watchKey(key);
}

function fromContext(scope: IConstruct): AuditTrail {
  const value: unknown = scope.node.tryGetContext(AUDIT_TRAIL_CONTEXT_KEY);
  if (value === undefined || value === 'account' || value === 'stack') return AuditTrail.accountShared();
  if (value === 'none' || value === false) return AuditTrail.none();
  if (typeof value === 'string' && (value.startsWith('arn:') || Token.isUnresolved(value))) {
    checkTrailArn(`context ${AUDIT_TRAIL_CONTEXT_KEY}`, value);
    return AuditTrail.fromTrailArn(value);
  }
  throw new PropValidationError(`context ${AUDIT_TRAIL_CONTEXT_KEY}: got ${JSON.stringify(value)}; allowed are "account", "none" or an existing trail's ARN (arn:<partition>:cloudtrail:<region>:<account>:trail/<name>)`);
}


