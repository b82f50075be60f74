/**
 * Jest snapshot serializer: replaces asset hashes (64 hex characters, alone or inside an asset file name) with a
 * placeholder, so snapshots change only when the template really changes, not when a bundled handler is rebuilt.
 */
const ASSET_HASH = /[0-9a-f]{64}/g;
const MARK = '__normalized_asset_hash__';

export function test(value: unknown): boolean {
  return typeof value === 'string' && ASSET_HASH.test(value) && (ASSET_HASH.lastIndex = 0, true);
}

export function serialize(value: string): string {
  return JSON.stringify(value.replace(ASSET_HASH, 'ASSET_HASH'));
}

export const normalizedMarker = MARK;
