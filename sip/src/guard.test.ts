import { describe, expect, it } from 'vitest';
import { GUARD_METADATA, GUARD_NAME, guardSpec, isGuard, isGuardSpec } from './guard.js';
import { MANAGED_METADATA, managedMetadata } from './model.js';

describe('the guard trunk', () => {
  it('is told apart from every file-managed object by its metadata', () => {
    expect(isGuard(GUARD_METADATA)).toBe(true);
    for (const other of [MANAGED_METADATA, managedMetadata('dev'), '', 'not json', '{"role":1}']) {
      expect(isGuard(other)).toBe(false);
    }
  });

  it('has no numbers, no allowlist and fresh credentials each time', () => {
    const first = guardSpec();
    const second = guardSpec();
    expect(first).toMatchObject({ name: GUARD_NAME, numbers: [], allowedAddresses: [] });
    expect(isGuardSpec(first)).toBe(true);
    expect(first.auth?.password).not.toBe(second.auth?.password);
    expect(first.auth?.password.length).toBeGreaterThanOrEqual(40);
  });
});
