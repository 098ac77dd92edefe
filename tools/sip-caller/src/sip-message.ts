// SIP message parsing and serialization (RFC 3261 §7, §20, §25) for UDP datagrams, plus the
// header-value grammars the caller needs: name-addr, SIP URI, Via, CSeq and parameters.

export interface SipHeader {
  name: string;
  value: string;
}

interface SipMessageBase {
  headers: SipHeader[];
  body: Buffer;
}

export interface SipRequest extends SipMessageBase {
  kind: 'request';
  method: string;
  uri: string;
}

export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

export class SipParseError extends Error {
  override name = 'SipParseError';
}

/** Compact header forms (RFC 3261 §7.3.3 and the IANA registry) mapped to full names. */
const COMPACT_FORMS: Record<string, string> = {
  a: 'Accept-Contact',
  b: 'Referred-By',
  c: 'Content-Type',
  d: 'Request-Disposition',
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact',
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  o: 'Event',
  r: 'Refer-To',
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events',
  v: 'Via',
  x: 'Session-Expires',
  y: 'Identity',
};

/**
 * Headers whose grammar is a comma-separated list (`#element`): several values may share one
 * header line. Authentication headers are deliberately absent (their parameters contain commas).
 */
const LIST_HEADERS = new Set(
  [
    'via',
    'route',
    'record-route',
    'contact',
    'allow',
    'supported',
    'require',
    'proxy-require',
    'unsupported',
    'accept',
    'accept-encoding',
    'accept-language',
    'allow-events',
    'content-encoding',
    'content-language',
    'in-reply-to',
  ].map((h) => h.toLowerCase()),
);

export function canonicalHeaderName(name: string): string {
  const trimmed = name.trim();
  return COMPACT_FORMS[trimmed.toLowerCase()] ?? trimmed;
}

function sameName(a: string, b: string): boolean {
  return canonicalHeaderName(a).toLowerCase() === canonicalHeaderName(b).toLowerCase();
}

const TOKEN_RE = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/**
 * Parses one datagram. Header lines may be folded (continuation lines start with SP or HT) and
 * use compact names; the body is exactly Content-Length bytes (the rest of the datagram when the
 * header is absent, as UDP allows). A body shorter than Content-Length is an error (§18.3).
 */
export function parseSipMessage(data: Buffer | string): SipMessage {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let sep = buf.indexOf('\r\n\r\n');
  let sepLen = 4;
  if (sep < 0) {
    sep = buf.indexOf('\n\n');
    sepLen = 2;
  }
  const head = (sep < 0 ? buf : buf.subarray(0, sep)).toString('utf8');
  const rest = sep < 0 ? Buffer.alloc(0) : buf.subarray(sep + sepLen);
  // Leading CRLFs before the start line are ignored (§7.5).
  const rawLines = head.replace(/^(\r?\n)+/, '').split(/\r?\n/);
  const startLine = rawLines.shift();
  if (!startLine) throw new SipParseError('empty message');

  const lines: string[] = [];
  for (const line of rawLines) {
    if (/^[ \t]/.test(line) && lines.length > 0) {
      lines[lines.length - 1] = `${(lines[lines.length - 1] ?? '').trimEnd()} ${line.trim()}`;
    } else if (line.length > 0) {
      lines.push(line);
    }
  }
  const headers: SipHeader[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError(`malformed header line: ${line}`);
    const name = line.slice(0, colon).trim();
    if (!TOKEN_RE.test(name)) throw new SipParseError(`malformed header name: ${name}`);
    headers.push({ name: canonicalHeaderName(name), value: line.slice(colon + 1).trim() });
  }

  let body = rest;
  const cl = headers.find((h) => sameName(h.name, 'Content-Length'));
  if (cl) {
    if (!/^\d+$/.test(cl.value)) throw new SipParseError(`invalid Content-Length: ${cl.value}`);
    const length = Number(cl.value);
    if (rest.length < length) {
      throw new SipParseError(`body shorter than Content-Length (${rest.length} < ${length})`);
    }
    body = rest.subarray(0, length);
  }
  body = Buffer.from(body);

  const response = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/i.exec(startLine);
  if (response) {
    return {
      kind: 'response',
      status: Number(response[1]),
      reason: (response[2] ?? '').trim(),
      headers,
      body,
    };
  }
  const request = /^([A-Za-z0-9\-.!%*_+`'~]+)\s+(\S+)\s+SIP\/2\.0\s*$/i.exec(startLine);
  if (request) {
    return {
      kind: 'request',
      method: (request[1] ?? '').toUpperCase(),
      uri: request[2] ?? '',
      headers,
      body,
    };
  }
  throw new SipParseError(`malformed start line: ${startLine}`);
}

/** Serializes with CRLF line ends; Content-Length is always (re)written to match the body. */
export function serializeSipMessage(message: SipMessage): Buffer {
  const start =
    message.kind === 'request'
      ? `${message.method} ${message.uri} SIP/2.0`
      : `SIP/2.0 ${message.status} ${message.reason}`;
  const lines = [start];
  for (const h of message.headers) {
    if (sameName(h.name, 'Content-Length')) continue;
    lines.push(`${h.name}: ${h.value}`);
  }
  lines.push(`Content-Length: ${message.body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), message.body]);
}

/** The first value of a header (compact forms accepted). For list headers: the first element. */
export function getHeader(message: SipMessage, name: string): string | undefined {
  return getHeaders(message, name)[0];
}

/** Every value of a header, in order; list headers are split on top-level commas. */
export function getHeaders(message: SipMessage, name: string): string[] {
  const isList = LIST_HEADERS.has(canonicalHeaderName(name).toLowerCase());
  const out: string[] = [];
  for (const h of message.headers) {
    if (!sameName(h.name, name)) continue;
    if (isList) out.push(...splitHeaderList(h.value));
    else out.push(h.value);
  }
  return out;
}

export function hasHeader(message: SipMessage, name: string): boolean {
  return message.headers.some((h) => sameName(h.name, name));
}

export function removeHeaders(message: SipMessage, name: string): void {
  message.headers = message.headers.filter((h) => !sameName(h.name, name));
}

/** Splits on commas that are outside quoted strings and angle brackets. */
export function splitHeaderList(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let inQuotes = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (inQuotes) {
      current += ch;
      if (ch === '\\' && i + 1 < value.length) current += value[++i] ?? '';
      else if (ch === '"') inQuotes = false;
      continue;
    }
    if (ch === '"') inQuotes = true;
    else if (ch === '<') inAngle = true;
    else if (ch === '>') inAngle = false;
    if (ch === ',' && !inAngle) {
      if (current.trim()) parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Parameters, quoted strings

export type SipParams = Record<string, string | null>;

/** Parses `;a=b;c;d="x y"` (leading `;` optional). Names are lower-cased; `null` = no value. */
export function parseParams(text: string): SipParams {
  const params: SipParams = {};
  for (const part of splitOutsideQuotes(text, ';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) params[p.toLowerCase()] = null;
    else params[p.slice(0, eq).trim().toLowerCase()] = unquote(p.slice(eq + 1).trim());
  }
  return params;
}

export function formatParams(params: SipParams): string {
  return Object.entries(params)
    .map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`))
    .join('');
}

function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = [];
  let current = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (inQuotes && ch === '\\') {
      current += ch + (text[++i] ?? '');
      continue;
    }
    if (ch === '"') inQuotes = !inQuotes;
    if (ch === sep && !inQuotes) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}

export function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

// ---------------------------------------------------------------------------------------------
// name-addr / addr-spec (From, To, Contact, Route, Record-Route, Refer-To, Referred-By)

export interface NameAddr {
  displayName?: string;
  uri: string;
  params: SipParams;
}

export function parseNameAddr(value: string): NameAddr {
  const v = value.trim();
  const lt = findOutsideQuotes(v, '<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt);
    if (gt < 0) throw new SipParseError(`unterminated <uri> in: ${value}`);
    const display = v.slice(0, lt).trim();
    const result: NameAddr = {
      uri: v.slice(lt + 1, gt).trim(),
      params: parseParams(v.slice(gt + 1)),
    };
    if (display) result.displayName = unquote(display);
    return result;
  }
  // addr-spec without brackets: parameters after the URI belong to the header (§20.10).
  const semi = v.indexOf(';');
  return semi < 0
    ? { uri: v, params: {} }
    : { uri: v.slice(0, semi).trim(), params: parseParams(v.slice(semi)) };
}

export function formatNameAddr(addr: NameAddr): string {
  const display = addr.displayName ? `${quote(addr.displayName)} ` : '';
  return `${display}<${addr.uri}>${formatParams(addr.params)}`;
}

function findOutsideQuotes(text: string, ch: string): number {
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes && c === '\\') {
      i++;
      continue;
    }
    if (c === '"') inQuotes = !inQuotes;
    else if (c === ch && !inQuotes) return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// SIP URI (RFC 3261 §19.1)

export interface SipUri {
  scheme: 'sip' | 'sips';
  user?: string;
  host: string;
  port?: number;
  params: SipParams;
  headers?: string;
}

export function parseSipUri(text: string): SipUri {
  const m = /^(sips?):(?:([^@]*)@)?(\[[^\]]+\]|[^;?:]+)(?::(\d+))?([^?]*)(?:\?(.*))?$/i.exec(
    text.trim(),
  );
  if (!m) throw new SipParseError(`not a SIP URI: ${text}`);
  const uri: SipUri = {
    scheme: (m[1] ?? 'sip').toLowerCase() as 'sip' | 'sips',
    host: m[3] ?? '',
    params: parseParams(m[5] ?? ''),
  };
  if (m[2] !== undefined) uri.user = decodeURIComponent(m[2].split(':')[0] ?? '');
  if (m[4] !== undefined) uri.port = Number(m[4]);
  if (m[6] !== undefined) uri.headers = m[6];
  return uri;
}

/** Characters allowed unescaped in the user part: unreserved / user-unreserved (§25.1). */
const USER_SAFE = /[A-Za-z0-9\-_.!~*'()&=+$,;?/]/;

export function escapeUser(user: string): string {
  let out = '';
  for (const ch of user) {
    if (USER_SAFE.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase()}`;
  }
  return out;
}

export function formatSipUri(uri: SipUri): string {
  const user = uri.user !== undefined ? `${escapeUser(uri.user)}@` : '';
  const port = uri.port !== undefined ? `:${uri.port}` : '';
  const headers = uri.headers ? `?${uri.headers}` : '';
  return `${uri.scheme}:${user}${uri.host}${port}${formatParams(uri.params)}${headers}`;
}

/** `host` or `host:port`, with IPv6 addresses in brackets. */
export function hostPort(host: string, port?: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}

// ---------------------------------------------------------------------------------------------
// Via, CSeq

export interface Via {
  /** e.g. `SIP/2.0/UDP` */
  protocol: string;
  transport: string;
  host: string;
  port?: number;
  params: SipParams;
}

export function parseVia(value: string): Via {
  const m =
    /^\s*(SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+))\s+(\[[^\]]+\]|[^\s;:]+)(?:\s*:\s*(\d+))?(.*)$/i.exec(
      value,
    );
  if (!m) throw new SipParseError(`malformed Via: ${value}`);
  const via: Via = {
    protocol: (m[1] ?? '').replace(/\s+/g, '').toUpperCase(),
    transport: (m[2] ?? '').toUpperCase(),
    host: m[3] ?? '',
    params: parseParams(m[5] ?? ''),
  };
  if (m[4] !== undefined) via.port = Number(m[4]);
  return via;
}

export function formatVia(via: Via): string {
  const port = via.port !== undefined ? `:${via.port}` : '';
  return `${via.protocol} ${via.host}${port}${formatParams(via.params)}`;
}

export interface CSeq {
  seq: number;
  method: string;
}

export function parseCSeq(value: string): CSeq {
  const m = /^\s*(\d+)\s+([A-Za-z0-9\-.!%*_+`'~]+)\s*$/.exec(value);
  if (!m) throw new SipParseError(`malformed CSeq: ${value}`);
  return { seq: Number(m[1]), method: (m[2] ?? '').toUpperCase() };
}

/** The transaction key of a message: top Via branch + CSeq method (§17.1.3, §17.2.3). */
export function transactionKey(message: SipMessage): string | undefined {
  const top = getHeader(message, 'Via');
  const cseq = getHeader(message, 'CSeq');
  if (!top || !cseq) return undefined;
  try {
    const branch = parseVia(top).params['branch'];
    if (!branch) return undefined;
    let method = parseCSeq(cseq).method;
    if (message.kind === 'request' && method === 'ACK') method = 'INVITE';
    return `${branch}|${method}`;
  } catch {
    return undefined;
  }
}

/** A tag parameter of a From/To header value. */
export function headerTag(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return parseNameAddr(value).params['tag'] ?? undefined;
  } catch {
    return undefined;
  }
}
