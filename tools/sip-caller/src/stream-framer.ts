// SIP over a byte stream (TCP, TLS): messages are cut out by their Content-Length, which is
// mandatory there (RFC 3261 §18.3); CRLFs between messages are keep-alives (RFC 5626 §3.5.1).

export class SipFramingError extends Error {
  override name = 'SipFramingError';
}

/** Headers this long without the blank line that ends them: not SIP, stop reading. */
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

export class StreamFramer {
  private buffer: Buffer = Buffer.alloc(0);

  /** Adds bytes from the stream; returns every message they complete (header and body). */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: Buffer[] = [];
    for (;;) {
      let start = 0;
      while (
        start < this.buffer.length &&
        (this.buffer[start] === 0x0d || this.buffer[start] === 0x0a)
      )
        start++;
      if (start > 0) this.buffer = this.buffer.subarray(start);
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buffer.length > MAX_HEADER_BYTES)
          throw new SipFramingError(`no end of headers within ${MAX_HEADER_BYTES} bytes`);
        return messages;
      }
      const bodyLength = contentLength(this.buffer.subarray(0, end).toString('latin1'));
      const total = end + HEADER_END.length + bodyLength;
      if (this.buffer.length < total) return messages;
      messages.push(Buffer.from(this.buffer.subarray(0, total)));
      this.buffer = this.buffer.subarray(total);
    }
  }
}

function contentLength(head: string): number {
  // The header (or its compact form `l`), at the start of a line; folded values are not expected.
  const match = /\r\n(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/i.exec(head);
  if (!match) throw new SipFramingError('message on a stream without Content-Length');
  const value = match[1]!.trim();
  if (!/^\d+$/.test(value) || Number(value) > MAX_BODY_BYTES)
    throw new SipFramingError(`invalid Content-Length: ${value.slice(0, 20)}`);
  return Number(value);
}
