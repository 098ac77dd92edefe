import { describe, expect, it } from 'vitest';
import { getHeader, getHeaders, parseSipMessage, type SipRequest } from './sip-message.js';
import { buildResponse, responseDestination } from './transaction.js';

const request = (via: string) =>
  parseSipMessage(
    `BYE sip:a@10.0.0.5 SIP/2.0\r\nVia: ${via}\r\nVia: SIP/2.0/UDP proxy;branch=z9hG4bK2\r\n` +
      'From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\nCall-ID: c\r\nCSeq: 5 BYE\r\nContent-Length: 0\r\n\r\n',
  ) as SipRequest;

describe('UAS responses', () => {
  it('mirrors the request headers, tags To and stamps received/rport on the top Via', () => {
    const req = request('SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bK1;rport');
    const res = buildResponse(req, 200, 'OK', { host: '10.0.0.1', port: 40000 }, { toTag: 'xyz' });
    expect(getHeaders(res, 'Via')).toEqual([
      'SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bK1;rport=40000;received=10.0.0.1',
      'SIP/2.0/UDP proxy;branch=z9hG4bK2',
    ]);
    expect(getHeader(res, 'To')).toBe('<sip:a@h>;tag=xyz');
    expect(getHeader(res, 'From')).toBe('<sip:b@h>;tag=1');
    expect(getHeader(res, 'CSeq')).toBe('5 BYE');
    expect(getHeader(res, 'Call-ID')).toBe('c');
  });

  it('sends responses to the source with rport, else to the sent-by port (RFC 3261 §18.2.2)', () => {
    const src = { host: '10.0.0.1', port: 40000 };
    expect(
      responseDestination(request('SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;rport'), src),
    ).toEqual(src);
    expect(responseDestination(request('SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bK1'), src)).toEqual({
      host: '10.0.0.1',
      port: 5070,
    });
    expect(responseDestination(request('SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK1'), src)).toEqual({
      host: '10.0.0.1',
      port: 5060,
    });
  });
});
