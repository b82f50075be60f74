/*
 * From a failed AWS call to what the reader of the deployment's Reason needs: what failed, on which resource and key,
 * and the likely fix.
 *
 * Bundled into the verifier Lambda: import only node built-ins here.
 */
import { CheckOutcome, fail, Problem } from './outcomes';
import { VERIFICATION_CONTEXT_KEY } from './protocol';
import { AwsCallError, errorMessage, errorName, isNetworkErrorCode } from './retry';
import { VerificationSession } from './session';

/** Runs a check; a call that fails for good becomes the check's one problem (see {@link explain}). */
export async function guard(session: VerificationSession, name: string, check: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
  try {
    return await check();
  } catch (error) {
    return fail(name, explain(session, name, error));
  }
}

/** Turns a failed call into a problem that names the action, the resource and the key, with the likely fix. */
export function explain(session: VerificationSession, check: string, error: unknown): Problem {
  const { keyArn } = session.request;
  if (!(error instanceof AwsCallError)) return { what: `unexpected error in the ${check} check: ${errorName(error)}: ${errorMessage(error)}` };
  const name = errorName(error.failure);
  const message = errorMessage(error.failure);
  const head = `${error.action} on ${error.target} ${error.settlingMs > 0 ? 'still ' : ''}failed with ${failureName(error)}`;
  if (name === 'AbortError') return { what: `${error.action} on ${error.target} was still running at the deadline` };
  if (error.transient) {
    const code = (error.failure as { code?: unknown } | undefined)?.code;
    const network = isNetworkErrorCode(code)
      ? `: check that the function can reach ${error.action.split(':')[0]} (NAT gateway or VPC endpoint)` : '';
    return {
      what: `${head} after ${error.attempts} attempt(s) (${message})`,
      fix: `the service stayed throttled, unavailable or unreachable until the retries or the deadline ran out${network}; retry the deployment or raise TimeoutSeconds`,
    };
  }
  const service = error.action.split(':')[0];
  switch (name) {
    case 'AccessDeniedException':
    case 'AccessDenied':
    case 'AccessDeniedFault':
    case 'UnauthorizedOperation':
    case 'UnauthorizedException':
    case 'AuthorizationErrorException':
      if (error.action === 'kms:GenerateDataKey' || error.action === 'kms:Decrypt') {
        return {
          what: `${head} (${message})`,
          fix: `add the key-policy statement (and IAM permission) that lets the verifier role call ${error.action} on key ${keyArn} under encryption context ${VERIFICATION_CONTEXT_KEY}`,
        };
      }
      if (service === 'kms') {
        return { what: `${head} (${message})`, fix: `let the verifier role call ${error.action} on key ${keyArn} (key policy and IAM policy)` };
      }
      return { what: `${head} (${message})`, fix: `let the verifier role call ${error.action} on the ${error.target}` };
    case 'DisabledException':
      return { what: `${head}: key ${keyArn} is disabled`, fix: 'enable the key (aws kms enable-key)' };
    case 'KMSInvalidStateException':
      return {
        what: `${head} (${message}): key ${keyArn} is not usable in its current state (pending deletion?)`,
        fix: 'cancel key deletion (aws kms cancel-key-deletion) and enable the key',
      };
    case 'NotFoundException':
      if (service === 'kms') {
        return { what: `${head}: key ${error.target} does not exist in this account and region`, fix: 'check the key ARN, or whether the key was deleted' };
      }
      return { what: `${head}: the ${error.target} does not exist`, fix: 'create it before the verification runs (the verification must depend on it)' };
    case 'ResourceNotFoundException':
    case 'DBInstanceNotFound':
    case 'DBInstanceNotFoundFault':
    case 'DBClusterNotFoundFault':
    case 'QueueDoesNotExist':
      return {
        what: `${head}: the ${error.target} does not exist in this account and region`,
        fix: 'create it before the verification runs (the verification must depend on it)',
      };
    case 'InvalidCiphertextException':
      return { what: `${head}: key ${keyArn} rejected its own ciphertext under the same encryption context`, fix: 'do not use this key' };
    case 'IncorrectKeyException':
      return { what: `${head}: the ciphertext was not produced by key ${keyArn}`, fix: 'do not use this key' };
    case 'InvalidKeyUsageException':
      return { what: `${head}: key ${keyArn} cannot encrypt and decrypt`, fix: 'use a symmetric encryption key with key usage ENCRYPT_DECRYPT' };
    case 'KeyUnavailableException':
      return { what: `${head}: key ${keyArn} is unavailable (custom key store disconnected?)`, fix: 'reconnect the key store' };
    default:
      return { what: `${head} (${message})` };
  }
}

/** The error's name, then `after retrying for N s` when it was an error that settles and was retried (see {@link isSettling}). */
export function failureName(error: AwsCallError): string {
  const name = errorName(error.failure);
  return error.settlingMs > 0 ? `${name} after retrying for ${String(Number((error.settlingMs / 1000).toFixed(1)))} s` : name;
}

/** The fix for a key that DescribeKey reports in this state (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html). */
export function fixForKeyState(state: string | undefined): string {
  switch (state) {
    case 'Disabled':
      return 'enable the key (aws kms enable-key)';
    case 'PendingDeletion':
    case 'PendingReplicaDeletion':
      return 'cancel key deletion (aws kms cancel-key-deletion), then enable the key';
    case 'PendingImport':
      return 'import the key material';
    case 'Unavailable':
      return 'reconnect its custom key store';
    default:
      return 'wait until the key is Enabled';
  }
}
