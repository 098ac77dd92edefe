import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rms, rmsToDbfs, synthesizeSpeech } from './audio.js';
import {
  applyTemplate,
  loadScenarioFile,
  matchUserTurn,
  parseScenario,
  transcriptForAudioTurn,
} from './scenario.js';

const EXAMPLE = fileURLToPath(new URL('../scenarios/order-status.json', import.meta.url));

describe('scenario format', () => {
  it('loads the shipped example scenario', async () => {
    const s = await loadScenarioFile(EXAMPLE);
    expect(s.name).toBe('order-status');
    expect(transcriptForAudioTurn(s, 0)).toBe('where is order 9002');
    const m = matchUserTurn(s, { index: 0, text: 'where is order 9002' });
    expect(m?.rule.id).toBe('order-by-number');
    expect(m?.captures[1]).toBe('9002');
    expect(matchUserTurn(s, { index: 3, text: 'The caller typed: 1234' })?.captures[1]).toBe(
      '1234',
    );
    expect(matchUserTurn(s, { index: 3, text: 'hmm' })?.rule.id).toBe('anything-else');
  });

  it('fills defaults and rejects invalid scenarios with a readable message', () => {
    const s = parseScenario({});
    expect(s).toMatchObject({ audioPacing: 'realtime', msPerChar: 60, rules: [] });
    expect(() => parseScenario({ rules: [{ match: { text: '(' }, say: 'x' }] })).toThrow(
      /rules\.0\.match.*regular expression|invalid emulator scenario/,
    );
    expect(() => parseScenario({ rules: [{ match: { any: true } }] })).toThrow(/needs/);
    expect(() => parseScenario({ rules: [{ match: { text: 'a' }, transcript: 'x' }] })).toThrow(
      /transcript/,
    );
    expect(() => parseScenario({ audioPacing: 'slow' })).toThrow(/audioPacing/);
    expect(() => parseScenario({ unknown: 1 })).toThrow(/unknown|Unrecognized/i);
  });

  it('templates captures, text and JSON tool outputs', () => {
    const ctx = {
      captures: ['order 42', '42'],
      text: 'order 42',
      outputs: ['{"status":"late","items":[{"sku":"A1"}]}', 'plain'],
    };
    expect(
      applyTemplate('#$1: {{output.status}} {{output.items.0.sku}} {{outputs.1}} ({{text}})', ctx),
    ).toBe('#42: late A1 plain (order 42)');
    expect(applyTemplate('{{output.missing}}|$5|{{unknown}}', ctx)).toBe('||{{unknown}}');
  });

  it('synthesizes audible speech-like audio scaled by text length', () => {
    const opts = { msPerChar: 60, minMs: 400, maxMs: 8000 };
    expect(synthesizeSpeech('hi', opts).length).toBe(400 * 24);
    expect(synthesizeSpeech('x'.repeat(50), opts).length).toBe(3000 * 24);
    expect(synthesizeSpeech('x'.repeat(500), opts).length).toBe(8000 * 24);
    const pcm = synthesizeSpeech('Your order has shipped.', opts);
    for (let i = 0; i < pcm.length; i += 1200) {
      expect(rmsToDbfs(rms(pcm, i, Math.min(pcm.length, i + 1200)))).toBeGreaterThan(-30);
    }
  });
});

describe('CLI', () => {
  it('prints an OFFLINE EMULATOR startup line and serves the health endpoint', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', main, '--port', '0', '--log-level', 'silent'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out);
        });
        child.once('exit', (code) => reject(new Error(`CLI exited with ${code}`)));
      });
      expect(line).toMatch(/^OFFLINE EMULATOR of the OpenAI Realtime API \(NOT OpenAI/);
      const url = /listening on (http:\/\/\S+\/v1)/.exec(line)?.[1];
      expect(url).toBeDefined();
      const res = await fetch(url!.replace(/\/v1$/, '/healthz'));
      expect(await res.json()).toMatchObject({ offline: true, scenario: 'support-call' });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
