import { parseKeyRing, unitKeysSetting } from '@hub/connectors/signing';

/**
 * Prints a unit's own signing keys, for the administrator to hand to that unit's system
 * (docs/contracts.md#unit-systems "Signatures"):
 *
 *     HUB_UNITS_KEYS='…' node dist/scripts/unit-signing-key.js <unit code>
 *
 * One `keyId:secret:algorithm` per key of HUB_UNITS_KEYS, comma-separated, the first the one that
 * signs now. The keys are derived (HKDF) from HUB_UNITS_KEYS and the unit code: nothing is stored.
 */
function main(): void {
  const unitCode = process.argv[2] ?? '';
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(unitCode)) {
    console.error('usage: HUB_UNITS_KEYS=… node dist/scripts/unit-signing-key.js <unit code>');
    process.exit(64);
  }
  let master;
  try {
    master = parseKeyRing('HUB_UNITS_KEYS', process.env.HUB_UNITS_KEYS);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(78);
  }
  if (master.size === 0) {
    console.error('HUB_UNITS_KEYS: is required (the master keys the units\' keys derive from)');
    process.exit(78);
  }
  console.log(unitKeysSetting(master, unitCode));
}

main();
