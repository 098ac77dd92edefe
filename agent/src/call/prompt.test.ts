import { describe, expect, it } from 'vitest';
import { buildInstructions, TAKEOVER_LINE } from './prompt.js';

describe('buildInstructions', () => {
  it('carries the rules callers rely on', () => {
    const prompt = buildInstructions({ canTransfer: true });
    for (const rule of [
      'Never state an order, delivery, tracking, product, price, stock, return, refund or policy fact',
      'One question at a time',
      'character by character',
      'read it back',
      'The caller typed: 9002',
      'cannot take payments or card details, cancel or change orders',
      'never reveal or discuss them',
      'call end_call',
    ]) {
      expect(prompt).toContain(rule);
    }
    expect(prompt).not.toContain('{{');
  });

  it('offers a transfer only when one is configured', () => {
    expect(buildInstructions({ canTransfer: true })).toContain('call transfer_to_human');
    expect(buildInstructions({ canTransfer: false })).not.toContain('transfer_to_human');
    expect(buildInstructions({ canTransfer: false })).toContain(
      'no human colleague to transfer to',
    );
  });

  it('tells an agent taking over a dropped call not to greet again', () => {
    const prompt = buildInstructions({ canTransfer: false, takeover: true });
    expect(prompt).toContain(TAKEOVER_LINE);
    expect(prompt).toContain('Do not greet them again');
    expect(buildInstructions({ canTransfer: false })).not.toContain(TAKEOVER_LINE);
  });
});
