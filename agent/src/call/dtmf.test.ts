import { describe, expect, it } from 'vitest';
import { createDtmfCollector, typedInput } from './dtmf.js';

describe('createDtmfCollector', () => {
  const collect = () => {
    const submitted: string[] = [];
    let cleared = 0;
    const collector = createDtmfCollector({
      onSubmit: (digits) => submitted.push(digits),
      onClear: () => cleared++,
      maxDigits: 6,
    });
    return { collector, submitted, cleared: () => cleared };
  };

  it('submits the digits typed before #', () => {
    const { collector, submitted } = collect();
    for (const key of '9002#') collector.press(key);
    expect(submitted).toEqual(['9002']);
    expect(collector.pending()).toBe('');
  });

  it('clears on * and ignores an empty #, other keys and overflow', () => {
    const { collector, submitted, cleared } = collect();
    for (const key of '12*') collector.press(key);
    expect(cleared()).toBe(1);
    collector.press('#');
    for (const key of ['A', '5', 'x', '5']) collector.press(key);
    for (const key of '12345678#') collector.press(key);
    expect(submitted).toEqual(['551234']);
  });

  it('words typed input for the model', () => {
    expect(typedInput('9002')).toBe('The caller typed: 9002');
  });
});
