/**
 * One signing key per unit (docs/contracts.md#unit-systems "Signatures"): what the hub sends to a
 * unit's own system is signed with a key derived for that unit from the master keys of
 * HUB_UNITS_KEYS, so a unit's key verifies its own work orders and nobody else's (before, every
 * unit held the one shared key and could forge the hub's work orders to another).
 *
 * secret = base64url(HKDF(hash, master secret, salt "hub-12345/unit-signing/v1", info unit code, 32 bytes)),
 * hash SHA-256 for hmac-sha256 keys and SM3 for hmac-sm3 ones; same key id and algorithm as the
 * master. Deterministic: nothing to store, and a rotation of the master (a new first key) gives
 * every unit its next key, handed out with `unit-signing-key` before the switch.
 */
import { hkdfSync } from 'node:crypto';
import { KeyRing, type SigningKey } from './key-ring.config';

const SALT = 'hub-12345/unit-signing/v1';

export function unitSigningKey(master: SigningKey, unitCode: string): SigningKey {
  const derived = hkdfSync(master.algorithm === 'hmac-sm3' ? 'sm3' : 'sha256', master.secret, SALT, unitCode, 32);
  return { keyId: master.keyId, secret: Buffer.from(derived).toString('base64url'), algorithm: master.algorithm };
}

/** The unit's ring: every master key derived, in the master's order (the first signs). */
export function unitKeyRing(master: KeyRing, unitCode: string): KeyRing {
  const keys = master.keyIds().map((id) => unitSigningKey(master.find(id)!, unitCode));
  return new KeyRing(keys, `${master.name}:${unitCode}`);
}

/** The unit's keys in the `keyId:secret:algorithm,…` form of the HUB_*_KEYS variables, for its system. */
export function unitKeysSetting(master: KeyRing, unitCode: string): string {
  const ring = unitKeyRing(master, unitCode);
  return ring
    .keyIds()
    .map((id) => {
      const k = ring.find(id)!;
      return `${k.keyId}:${k.secret}:${k.algorithm}`;
    })
    .join(',');
}
