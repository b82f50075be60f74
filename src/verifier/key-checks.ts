/*
 * The checks of the key itself, and how a key identifier a resource returns is compared with it: DescribeKey,
 * GetKeyRotationStatus, a round trip under the verification context and its rejection under another context,
 * ListResourceTags.
 *
 * Bundled into the verifier Lambda: import only @aws-sdk/* (provided by the Lambda runtime, external to the bundle)
 * and node built-ins here.
 */
import { timingSafeEqual } from 'node:crypto';
/* eslint-disable import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle */
import { DecryptCommand, GenerateDataKeyCommand, GetKeyRotationStatusCommand, ListResourceTagsCommand, Tag } from '@aws-sdk/client-kms';
/* eslint-enable import/no-extraneous-dependencies */
import { explain, failureName, fixForKeyState, guard } from './explain';
import { CheckOutcome, fail, pass, Problem } from './outcomes';
import { VERIFICATION_CONTEXT_KEY } from './protocol';
import { AwsCallError, errorName } from './retry';
import { call, describeKey, memo, VerificationSession } from './session';

/** DescribeKey: the key is enabled, customer managed, symmetric and for encryption. */
export async function checkKey(session: VerificationSession): Promise<CheckOutcome> {
  const name = 'key';
  const { keyArn } = session.request;
  return guard(session, name, async () => {
    const metadata = (await describeKey(session, keyArn)).KeyMetadata;
    if (!metadata) return fail(name, { what: `DescribeKey returned no metadata for key ${keyArn}` });
    const problems: Problem[] = [];
    if (metadata.KeyState !== 'Enabled') problems.push({ what: `key ${keyArn} is ${metadata.KeyState}`, fix: fixForKeyState(metadata.KeyState) });
    if (metadata.KeyManager !== 'CUSTOMER') {
      problems.push({ what: `key ${keyArn} is managed by ${metadata.KeyManager}, not the customer`, fix: 'pass a customer managed key' });
    }
    if (metadata.KeySpec !== 'SYMMETRIC_DEFAULT') {
      problems.push({ what: `key ${keyArn} has key spec ${metadata.KeySpec}`, fix: 'the services need a symmetric encryption key (SYMMETRIC_DEFAULT)' });
    }
    if (metadata.KeyUsage !== 'ENCRYPT_DECRYPT') {
      problems.push({ what: `key ${keyArn} has key usage ${metadata.KeyUsage}`, fix: 'the services need ENCRYPT_DECRYPT' });
    }
    if (problems.length > 0) return fail(name, ...problems);
    return pass(name, 'enabled, customer managed, SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT');
  });
}

/** GetKeyRotationStatus: automatic rotation is on. */
export async function checkKeyRotation(session: VerificationSession): Promise<CheckOutcome> {
  const name = 'key rotation';
  const { keyArn } = session.request;
  return guard(session, name, async () => {
    const status = await call(session, 'kms:GetKeyRotationStatus', keyArn, signal =>
      session.clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }), { abortSignal: signal }));
    if (status.KeyRotationEnabled !== true) {
      return fail(name, { what: `automatic rotation is off for key ${keyArn}`, fix: 'enable key rotation (enableKeyRotation: true, or aws kms enable-key-rotation)' });
    }
    return pass(name, 'enabled');
  });
}

/**
 * The round trip and the context binding: a data key generated under the verification context decrypts to the same
 * bytes under that context, and the same ciphertext is rejected (InvalidCiphertextException) under another context.
 */
export async function checkRoundTrip(session: VerificationSession): Promise<{ roundTrip: CheckOutcome; contextBinding: CheckOutcome }> {
  const { keyArn, context, contextValue } = session.request;
  const kms = session.clients.kms;
  let generated: { plaintext: Uint8Array; ciphertext: Uint8Array };
  try {
    const out = await call(session, 'kms:GenerateDataKey', keyArn, signal =>
      kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: { ...context } }), { abortSignal: signal }));
    if (!out.Plaintext || !out.CiphertextBlob) {
      throw new Error('GenerateDataKey returned no Plaintext or CiphertextBlob');
    }
    generated = { plaintext: out.Plaintext, ciphertext: out.CiphertextBlob };
  } catch (error) {
    const roundTrip = fail('round trip', explain(session, 'round trip', error));
    return { roundTrip, contextBinding: fail('context binding', { what: 'not tested: the round trip produced no ciphertext' }) };
  }

  const tampered = { [VERIFICATION_CONTEXT_KEY]: `${contextValue}:tampered` };
  const [roundTrip, contextBinding] = await Promise.all([
    guard(session, 'round trip', async () => {
      const out = await call(session, 'kms:Decrypt', keyArn, signal =>
        kms.send(new DecryptCommand({ CiphertextBlob: generated.ciphertext, EncryptionContext: { ...context }, KeyId: keyArn }), { abortSignal: signal }));
      const same = out.Plaintext !== undefined && sameBytes(out.Plaintext, generated.plaintext);
      out.Plaintext?.fill(0);
      if (!same) {
        return fail('round trip', {
          what: `the data key generated with key ${keyArn} did not decrypt to the same bytes`,
          fix: 'the key or an intermediary is not behaving as KMS should; do not use this key',
        });
      }
      return pass('round trip', 'data key decrypted to the same bytes');
    }),
    (async (): Promise<CheckOutcome> => {
      try {
        const out = await call(session, 'kms:Decrypt', keyArn, signal =>
          kms.send(new DecryptCommand({ CiphertextBlob: generated.ciphertext, EncryptionContext: tampered, KeyId: keyArn }), { abortSignal: signal }));
        out.Plaintext?.fill(0);
        return fail('context binding', {
          what: `the key accepted a wrong encryption context (${VERIFICATION_CONTEXT_KEY}=${contextValue}:tampered) for key ${keyArn}`,
          fix: 'the ciphertext is not bound to its context; do not use this key',
        });
      } catch (error) {
        if (error instanceof AwsCallError && errorName(error.failure) === 'InvalidCiphertextException') {
          return pass('context binding', 'wrong context rejected');
        }
        const problem = explain(session, 'context binding', error);
        return fail('context binding', { ...problem, what: `decrypting with a wrong context did not fail with InvalidCiphertextException: ${problem.what}` });
      }
    })(),
  ]);
  generated.plaintext.fill(0);
  return { roundTrip, contextBinding };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** kms:ListResourceTags: the key's tags (all pages), once per invocation. */
export function keyTags(session: VerificationSession): Promise<readonly Tag[]> {
  const { keyArn } = session.request;
  return memo(session, `tags:${keyArn}`, async () => {
    const tags: Tag[] = [];
    let marker: string | undefined;
    do {
      const out = await call(session, 'kms:ListResourceTags', keyArn, signal =>
        session.clients.kms.send(new ListResourceTagsCommand({ KeyId: keyArn, ...(marker ? { Marker: marker } : {}) }), { abortSignal: signal }));
      tags.push(...(out.Tags ?? []));
      marker = out.Truncated ? out.NextMarker : undefined;
    } while (marker);
    return tags;
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Key identifiers
// ---------------------------------------------------------------------------------------------------------------------

const KEY_ARN = /^arn:[^:]+:kms:[^:]*:\d{12}:key\//;

/**
 * An alias of an AWS managed key, by name or ARN: `alias/aws/` is reserved for AWS managed keys ("The alias name cannot
 * begin with alias/aws/"), so it never names the customer managed key of a request.
 *
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
 */
const AWS_MANAGED_ALIAS = /^(arn:[^:]+:kms:[^:]*:\d{12}:)?alias\/aws\//;

/**
 * Compares the key identifier a resource returned with the expected key. Returns undefined when it names the key, or
 * the problem with `fix` as its fix. Identifiers that are not the key ARN itself (key id, alias name, alias ARN) are resolved to
 * a key ARN with DescribeKey, once per identifier and invocation. A different key ARN, or an AWS managed key's alias
 * (`alias/aws/<service>`), is a mismatch without a call (key ARNs are canonical; the verifier role may not describe
 * other keys). A missing identifier means an AWS owned key.
 */
export async function compareKey(session: VerificationSession, what: string, identifier: string | undefined, fix: string): Promise<Problem | undefined> {
  const { keyArn } = session.request;
  if (identifier === undefined || identifier === '') {
    return { what: `${what} names no key, so it is encrypted with an AWS owned key, expected ${keyArn}`, fix };
  }
  if (identifier === keyArn) return undefined;
  if (KEY_ARN.test(identifier)) return { what: `${what} names key ${identifier}, expected ${keyArn}`, fix };
  // an AWS managed key: a mismatch without a call (the verifier role may not describe it, and would retry for minutes)
  if (AWS_MANAGED_ALIAS.test(identifier)) return { what: `${what} names the AWS managed key ${identifier}, expected ${keyArn}`, fix };
  let resolved: string | undefined;
  try {
    resolved = await resolveKeyArn(session, identifier);
  } catch (error) {
    const cause = error instanceof AwsCallError ? failureName(error) : errorName(error);
    return { what: `${what} names key ${identifier}, which the verifier could not resolve (${cause}), expected ${keyArn}`, fix };
  }
  if (resolved === keyArn) return undefined;
  return { what: `${what} names key ${identifier} (${resolved ?? 'unknown'}), expected ${keyArn}`, fix };
}

/** kms:DescribeKey on an identifier, cached per invocation. */
export function resolveKeyArn(session: VerificationSession, identifier: string): Promise<string | undefined> {
  return describeKey(session, identifier).then(out => out.KeyMetadata?.Arn);
}
