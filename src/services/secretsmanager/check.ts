/*
 * What the deploy-time verifier asks Secrets Manager: which key a secret (an EventBridge connection's) names.
 *
 * Bundled into the verifier Lambda (src/verifier/handler.lambda.ts): import only @aws-sdk/* (provided by the Lambda
 * runtime, external to the bundle) and node built-ins here.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The read-only action behind {@link secretKeyIdentifier}; the verifier role may call it on the secret's ARN. */
export const DESCRIBE_SECRET = 'secretsmanager:DescribeSecret';

/**
 * The key a secret is encrypted with: `DescribeSecret` returns it as `KmsKeyId` (a key ARN, key id or alias); absent
 * when the secret uses the AWS managed key `aws/secretsmanager`.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html
 */
export async function secretKeyIdentifier(client: SecretsManagerClient, secretArn: string, abortSignal?: AbortSignal): Promise<string | undefined> {
  const out = await client.send(new DescribeSecretCommand({ SecretId: secretArn }), { abortSignal });
  return out.KmsKeyId;
}
