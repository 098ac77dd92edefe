import { describe, expect, it } from 'vitest';
import {
  escapeUser,
  formatNameAddr,
  getHeader,
  getHeaders,
  parseCSeq,
  parseNameAddr,
  parseSipMessage,
  parseSipUri,
  parseVia,
  serializeSipMessage,
  SipParseError,
  splitHeaderList,
  transactionKey,
  type SipRequest,
} from './sip-message.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n';

describe('SIP message parsing', () => {
  it('parses a request with folded lines, compact forms, list headers and a body', () => {
    const raw =
      'INVITE sip:+15550100@10.77.0.1:5060 SIP/2.0\r\n' +
      'v: SIP/2.0/UDP 10.77.0.2:5070;branch=z9hG4bKaaa;rport,\r\n' +
      ' SIP/2.0/UDP 10.77.0.3;branch=z9hG4bKbbb\r\n' +
      'Via: SIP/2.0/UDP 10.77.0.4;branch=z9hG4bKccc\r\n' +
      'f: "Doe, John" <sip:+1415@example.com>;tag=abc\r\n' +
      't: <sip:+15550100@example.com>\r\n' +
      'i: call-1@host\r\n' +
      'CSeq: 7 INVITE\r\n' +
      'Subject: a subject\r\n' +
      '\tcontinued on a second line\r\n' +
      'm: <sip:a@10.77.0.2:5070>, "B, c" <sip:b@h>;q=0.5\r\n' +
      'c: application/sdp\r\n' +
      `l: ${Buffer.byteLength(SDP)}\r\n` +
      '\r\n' +
      SDP +
      'trailing garbage beyond Content-Length';
    const msg = parseSipMessage(raw);
    expect(msg.kind).toBe('request');
    const req = msg as SipRequest;
    expect(req.method).toBe('INVITE');
    expect(req.uri).toBe('sip:+15550100@10.77.0.1:5060');
    expect(getHeaders(req, 'Via')).toEqual([
      'SIP/2.0/UDP 10.77.0.2:5070;branch=z9hG4bKaaa;rport',
      'SIP/2.0/UDP 10.77.0.3;branch=z9hG4bKbbb',
      'SIP/2.0/UDP 10.77.0.4;branch=z9hG4bKccc',
    ]);
    expect(getHeader(req, 'from')).toBe('"Doe, John" <sip:+1415@example.com>;tag=abc');
    expect(getHeader(req, 'Call-ID')).toBe('call-1@host');
    expect(getHeader(req, 'Subject')).toBe('a subject continued on a second line');
    expect(getHeaders(req, 'Contact')).toEqual([
      '<sip:a@10.77.0.2:5070>',
      '"B, c" <sip:b@h>;q=0.5',
    ]);
    expect(req.body.toString()).toBe(SDP);
    expect(transactionKey(req)).toBe('z9hG4bKaaa|INVITE');
  });

  it('parses a response and keeps the whole reason phrase', () => {
    const msg = parseSipMessage(
      'SIP/2.0 407 Proxy Authentication Required\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n',
    );
    expect(msg).toMatchObject({
      kind: 'response',
      status: 407,
      reason: 'Proxy Authentication Required',
    });
    expect(msg.body).toHaveLength(0);
  });

  it('takes the rest of the datagram as body without Content-Length, and rejects short bodies', () => {
    expect(parseSipMessage('BYE sip:a@b SIP/2.0\r\nCSeq: 2 BYE\r\n\r\nxyz').body.toString()).toBe(
      'xyz',
    );
    expect(() => parseSipMessage('BYE sip:a@b SIP/2.0\r\nContent-Length: 10\r\n\r\nxyz')).toThrow(
      SipParseError,
    );
    expect(() => parseSipMessage('HELLO\r\n\r\n')).toThrow(/start line/);
    expect(() => parseSipMessage('BYE sip:a@b SIP/2.0\r\nno colon here\r\n\r\n')).toThrow(
      /header line/,
    );
  });

  it('serializes with CRLF and a correct Content-Length, and round-trips', () => {
    const req: SipRequest = {
      kind: 'request',
      method: 'NOTIFY',
      uri: 'sip:b@h',
      headers: [
        { name: 'Via', value: 'SIP/2.0/UDP h;branch=z9hG4bK1' },
        { name: 'CSeq', value: '3 NOTIFY' },
        { name: 'Content-Length', value: '999' },
        { name: 'Content-Type', value: 'message/sipfrag;version=2.0' },
      ],
      body: Buffer.from('SIP/2.0 200 OK\r\n'),
    };
    const text = serializeSipMessage(req).toString();
    expect(text).toBe(
      'NOTIFY sip:b@h SIP/2.0\r\n' +
        'Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n' +
        'CSeq: 3 NOTIFY\r\n' +
        'Content-Type: message/sipfrag;version=2.0\r\n' +
        'Content-Length: 16\r\n' +
        '\r\n' +
        'SIP/2.0 200 OK\r\n',
    );
    const back = parseSipMessage(text) as SipRequest;
    expect(back.method).toBe('NOTIFY');
    expect(back.body.toString()).toBe('SIP/2.0 200 OK\r\n');
    expect(serializeSipMessage(back).toString()).toBe(text);
  });
});

describe('SIP header grammars', () => {
  it('parses name-addr and addr-spec forms', () => {
    expect(parseNameAddr('"Doe, \\"J\\"" <sip:+1@h;transport=udp>;tag=x;lr')).toEqual({
      displayName: 'Doe, "J"',
      uri: 'sip:+1@h;transport=udp',
      params: { tag: 'x', lr: null },
    });
    expect(parseNameAddr('sip:+1@h;tag=y')).toEqual({ uri: 'sip:+1@h', params: { tag: 'y' } });
    expect(formatNameAddr({ displayName: 'A "B"', uri: 'sip:a@h', params: { tag: 't' } })).toBe(
      '"A \\"B\\"" <sip:a@h>;tag=t',
    );
  });

  it('parses SIP URIs and escapes user parts', () => {
    expect(parseSipUri('sip:+15550100@10.77.0.1:5060;transport=udp')).toEqual({
      scheme: 'sip',
      user: '+15550100',
      host: '10.77.0.1',
      port: 5060,
      params: { transport: 'udp' },
    });
    expect(parseSipUri('sip:[::1]:5070')).toMatchObject({ host: '[::1]', port: 5070 });
    expect(parseSipUri('sips:alice%20x@h?subject=x')).toMatchObject({
      scheme: 'sips',
      user: 'alice x',
      headers: 'subject=x',
    });
    expect(escapeUser('+1 (555) é')).toBe('+1%20(555)%20%C3%A9');
    expect(() => parseSipUri('tel:+1555')).toThrow(SipParseError);
  });

  it('parses Via and CSeq', () => {
    expect(
      parseVia('SIP / 2.0 / UDP 10.0.0.1:5060 ; branch=z9hG4bKx;rport;received=1.2.3.4'),
    ).toEqual({
      protocol: 'SIP/2.0/UDP',
      transport: 'UDP',
      host: '10.0.0.1',
      port: 5060,
      params: { branch: 'z9hG4bKx', rport: null, received: '1.2.3.4' },
    });
    expect(parseVia('SIP/2.0/UDP [2001:db8::1];branch=z9hG4bKy')).toMatchObject({
      host: '[2001:db8::1]',
    });
    expect(parseCSeq('42 invite')).toEqual({ seq: 42, method: 'INVITE' });
    expect(() => parseCSeq('x INVITE')).toThrow(SipParseError);
  });

  it('maps an ACK to its INVITE transaction', () => {
    const ack = parseSipMessage(
      'ACK sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKq\r\nCSeq: 1 ACK\r\n\r\n',
    );
    expect(transactionKey(ack)).toBe('z9hG4bKq|INVITE');
  });

  it('splits lists outside quotes and angle brackets', () => {
    expect(splitHeaderList('<sip:a@h;x=1,2>, "x,y" <sip:b@h> ,sip:c@h')).toEqual([
      '<sip:a@h;x=1,2>',
      '"x,y" <sip:b@h>',
      'sip:c@h',
    ]);
  });
});
