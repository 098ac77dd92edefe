import { describe, expect, it } from 'vitest';
import { fillEnvTemplate, substituteEnv } from './env-template.js';

describe('substituteEnv', () => {
  it('replaces ${NAME} with the variable', () => {
    expect(substituteEnv('user-${A}@${B}', { A: 'x', B: 'y' })).toEqual({
      ok: true,
      value: 'user-x@y',
      variables: ['A', 'B'],
    });
  });

  it('uses ${NAME:-default} when the variable is unset or empty', () => {
    expect(substituteEnv('${A:-127.0.0.1:5070}', {})).toMatchObject({ value: '127.0.0.1:5070' });
    expect(substituteEnv('${A:-d}', { A: '' })).toMatchObject({ value: 'd' });
    expect(substituteEnv('${A:-d}', { A: 'set' })).toMatchObject({ value: 'set' });
  });

  it('names an unset or empty variable', () => {
    expect(substituteEnv('${SIP_PASSWORD}', {})).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^environment variable SIP_PASSWORD is not set/)],
    });
    expect(substituteEnv('${SIP_PASSWORD}', { SIP_PASSWORD: '' })).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^environment variable SIP_PASSWORD is empty/)],
    });
  });

  it('keeps $${ as a literal ${ and text without references as it is', () => {
    expect(substituteEnv('a$${B}c', {})).toMatchObject({ ok: true, value: 'a${B}c' });
    expect(substituteEnv('plain $ text', {})).toMatchObject({ ok: true, value: 'plain $ text' });
  });

  it('rejects malformed references', () => {
    expect(substituteEnv('${1A}', {})).toMatchObject({ ok: false });
    expect(substituteEnv('${A', { A: 'x' })).toMatchObject({ ok: false });
  });
});

describe('fillEnvTemplate', () => {
  it('returns the filled text, or throws naming the missing variable', () => {
    expect(fillEnvTemplate('ws://${IP}:7880', { IP: '10.0.0.1' })).toBe('ws://10.0.0.1:7880');
    expect(() => fillEnvTemplate('${A} ${B}', { A: 'x' })).toThrow(/B is not set/);
  });
});
