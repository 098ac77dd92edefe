import { describe, expect, it } from 'vitest';
import { Dialog, uriDestination, type DialogOptions } from './dialog.js';
import { getHeader, getHeaders, type SipResponse } from './sip-message.js';

function dialog(
  call: Partial<DialogOptions['call']> = {},
  transport: DialogOptions['transport'] = 'UDP',
): Dialog {
  return new Dialog({
    callId: 'c1@127.0.0.1',
    advertisedAddress: '10.0.0.2',
    localPort: () => 5070,
    transport,
    userAgent: 'test',
    call: {
      to: '+1555',
      from: 'alice',
      domain: 'sip.example',
      ...call,
      server: { host: 'sip.example', port: 5060, ...call.server },
    },
    io: {
      newTransaction: () => {
        throw new Error('not used');
      },
    },
    credentials: { headers: () => [], learnChallenge: () => false },
  });
}

function ok(headers: { name: string; value: string }[]): SipResponse {
  return { kind: 'response', status: 200, reason: 'OK', headers, body: Buffer.alloc(0) };
}

describe('Dialog', () => {
  it('puts the server port in the Request-URI only when the domain is the server', () => {
    expect(dialog().requestUri).toBe('sip:+1555@sip.example');
    expect(dialog({ server: { host: 'sip.example', port: 5080 } }).requestUri).toBe(
      'sip:+1555@sip.example:5080',
    );
    expect(
      dialog({ domain: 'other.example', server: { host: 'sip.example', port: 5080 } }).requestUri,
    ).toBe('sip:+1555@other.example');
  });

  it('writes fromHost, when given, as the From host only', () => {
    const d = dialog({ fromHost: '198.51.100.10' });
    const { request } = d.buildRequest('INVITE', []);
    expect(getHeader(request, 'From')).toMatch(/^<sip:alice@198\.51\.100\.10>;tag=/);
    expect(getHeader(request, 'To')).toBe('<sip:+1555@sip.example>');
    expect(request.uri).toBe('sip:+1555@sip.example');
  });

  it('targets the 2xx Contact and tags To once established, with a fresh CSeq per request', () => {
    const d = dialog();
    expect(d.nextCSeq()).toBe(1);
    d.establish(ok([{ name: 'Contact', value: '<sip:uas@10.0.0.9:5090>' }]), 'far');
    const { request, dest } = d.buildRequest('BYE', []);
    expect(request.uri).toBe('sip:uas@10.0.0.9:5090');
    expect(dest).toEqual({ host: '10.0.0.9', port: 5090 });
    expect(getHeader(request, 'To')).toMatch(/;tag=far$/);
    expect(getHeader(request, 'CSeq')).toBe('2 BYE');
    expect(getHeader(request, 'Contact')).toBeUndefined(); // not on BYE
  });

  it('falls back to the Request-URI without a Contact, and refreshes the target', () => {
    const d = dialog();
    d.establish(ok([]), 'far');
    expect(d.buildRequest('INFO', []).request.uri).toBe('sip:+1555@sip.example');
    d.refreshTarget({
      kind: 'request',
      method: 'INVITE',
      uri: 'sip:alice@10.0.0.2',
      headers: [{ name: 'Contact', value: '<sip:moved@10.0.0.7>' }],
      body: Buffer.alloc(0),
    });
    expect(d.buildRequest('INFO', []).request.uri).toBe('sip:moved@10.0.0.7');
  });

  it('routes through a strict router: it becomes the Request-URI, the target the last Route', () => {
    const d = dialog();
    d.establish(
      ok([
        { name: 'Contact', value: '<sip:uas@10.0.0.9>' },
        { name: 'Record-Route', value: '<sip:p2.example;lr>' },
        { name: 'Record-Route', value: '<sip:p1.example:5062>' },
      ]),
      'far',
    );
    const { request, dest } = d.buildRequest('BYE', []);
    expect(request.uri).toBe('sip:p1.example:5062');
    expect(getHeaders(request, 'Route')).toEqual(['<sip:p2.example;lr>', '<sip:uas@10.0.0.9>']);
    expect(dest).toEqual({ host: 'p1.example', port: 5062 });
  });

  it('finds where to send a request for a URI (maddr wins, IPv6 brackets dropped)', () => {
    expect(uriDestination('sip:a@[::1]:5070')).toEqual({ host: '::1', port: 5070 });
    expect(uriDestination('sip:a@h.example;maddr=10.1.1.1')).toEqual({
      host: '10.1.1.1',
      port: 5060,
    });
  });
});
