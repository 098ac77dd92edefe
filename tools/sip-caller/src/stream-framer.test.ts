import { describe, expect, it } from 'vitest';
import { SipFramingError, StreamFramer } from './stream-framer.js';

const message = (body = '') =>
  `SIP/2.0 200 OK\r\nCall-ID: a@b\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('SIP over a stream', () => {
  it('cuts messages by Content-Length, whatever the chunks', () => {
    const bytes = Buffer.from(message('v=0\r\n') + message() + message('x'.repeat(300)));
    for (const size of [1, 7, 64, bytes.length]) {
      const framer = new StreamFramer();
      const out: string[] = [];
      for (let at = 0; at < bytes.length; at += size)
        out.push(...framer.push(bytes.subarray(at, at + size)).map((m) => m.toString()));
      expect(out).toEqual([message('v=0\r\n'), message(), message('x'.repeat(300))]);
    }
  });

  it('waits for the whole body, and reads the compact form l:', () => {
    const framer = new StreamFramer();
    const text = 'BYE sip:a@b SIP/2.0\r\nl: 4\r\n\r\nab';
    expect(framer.push(Buffer.from(text))).toEqual([]);
    expect(framer.push(Buffer.from('cdINVITE')).map(String)).toEqual([`${text}cd`]);
  });

  it('skips CRLF keep-alives between messages (RFC 5626)', () => {
    const framer = new StreamFramer();
    const out = framer.push(Buffer.from(`\r\n\r\n${message()}\r\n${message()}\r\n\r\n`));
    expect(out.map(String)).toEqual([message(), message()]);
  });

  it('refuses a message without Content-Length, and endless headers', () => {
    expect(() =>
      new StreamFramer().push(Buffer.from('SIP/2.0 200 OK\r\nCall-ID: a\r\n\r\n')),
    ).toThrow(SipFramingError);
    expect(() =>
      new StreamFramer().push(Buffer.from(`SIP/2.0 200 OK\r\nContent-Length: -1\r\n\r\n`)),
    ).toThrow(/invalid Content-Length/);
    expect(() => new StreamFramer().push(Buffer.alloc(70_000, 'a'))).toThrow(/no end of headers/);
  });
});
