import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FIXTURE_FILES } from '../testing/fixture-store.js';
import { readCsv } from './csv.js';

const anyColumns = (header: string) =>
  z.object(Object.fromEntries(header.split(',').map((name) => [name, z.string()])));

async function readAll(
  content: string | Buffer,
  header: string,
): Promise<{ rows: Record<string, string>[]; lines: number[] }> {
  const path = join(mkdtempSync(join(tmpdir(), 'csv-')), 'file.csv');
  writeFileSync(path, content);
  const rows: Record<string, string>[] = [];
  const lines: number[] = [];
  await readCsv(path, 'file.csv', anyColumns(header), (row, at) => {
    rows.push(row);
    lines.push(at.line);
  });
  return { rows, lines };
}

describe('readCsv', () => {
  const dataDir = fileURLToPath(new URL('../../../data/', import.meta.url));
  const samples = [
    ...Object.entries(FIXTURE_FILES).filter(([file]) => file.endsWith('.csv')),
    ...readdirSync(dataDir)
      .filter((file) => file.endsWith('.csv'))
      .map((file) => [`data/${file}`, readFileSync(join(dataDir, file), 'utf8')] as const),
  ];
  it.each(samples)('reads %s exactly as csv-parse does', async (_name, content) => {
    const header = content.slice(0, content.indexOf('\n'));
    const { rows } = await readAll(content, header);
    const reference = parse(content, { columns: true, skip_empty_lines: true }) as Record<
      string,
      string
    >[];
    expect(rows).toEqual(reference);
  });

  it.each([7, 8, 9, 10])(
    'splits random records exactly as csv-parse does (seed %i)',
    async (start) => {
      let seed = start;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const pieces = ['a', 'Zoë', '李', ' ', ',', '"', '\n', '\r\n', '12.5', '', 'x y'];
      const field = () => {
        let value = '';
        for (let n = Math.floor(random() * 4); n > 0; n--)
          value += pieces[Math.floor(random() * pieces.length)];
        return /[",\r\n]/.test(value) || random() < 0.1
          ? `"${value.replaceAll('"', '""')}"`
          : value;
      };
      const lines = ['a,b,c'];
      for (let r = 0; r < 500; r++) lines.push([field(), field(), field()].join(','));
      const newline = random() < 0.5 ? '\n' : '\r\n';
      const content = lines.join(newline) + newline;
      const { rows } = await readAll(content, 'a,b,c');
      expect(rows).toEqual(parse(content, { columns: true, skip_empty_lines: true }));
    },
  );

  it('handles quoted commas, doubled quotes and line breaks inside values, with correct line numbers', async () => {
    const content = 'a,b,c\n1,"x, y",z\n2,"say ""hi""",z\n3,"two\nlines",z\n4,plain,z';
    const { rows, lines } = await readAll(content, 'a,b,c');
    expect(rows.map((row) => row.b)).toEqual(['x, y', 'say "hi"', 'two\nlines', 'plain']);
    expect(lines).toEqual([2, 3, 4, 6]);
  });

  it('accepts a BOM, CRLF, UTF-8 text and blank lines', async () => {
    const content = Buffer.from('\uFEFFa,b\r\n1,Zoë Müller\r\n\r\n2,"李伟, Jr."\r\n', 'utf8');
    const { rows, lines } = await readAll(content, 'a,b');
    expect(rows).toEqual([
      { a: '1', b: 'Zoë Müller' },
      { a: '2', b: '李伟, Jr.' },
    ]);
    expect(lines).toEqual([2, 4]);
  });

  it('names the line of a quote that is never closed', async () => {
    await expect(readAll('a,b\n1,ok\n2,"open\n3,more\n', 'a,b')).rejects.toThrow(
      /^file\.csv:3.*never closed/,
    );
  });

  it('refuses a stray quote inside an unquoted value', async () => {
    await expect(readAll('a,b\n1,15" sleeve\n', 'a,b')).rejects.toThrow(
      /^file\.csv:2.*double quote/,
    );
  });
});
