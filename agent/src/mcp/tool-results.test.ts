import { describe, expect, it } from 'vitest';
import { FALLBACK_ERROR_MESSAGE, classifyCallError, toolAnswer } from './tool-results.js';

const mcpError = (code: number) => Object.assign(new Error('mcp'), { name: 'McpError', code });

describe('toolAnswer', () => {
  it('gives the text as the summary and the structured content as the data', () => {
    expect(
      toolAnswer({
        content: [
          { type: 'text', text: 'Order O9002' },
          { type: 'image', data: '', mimeType: 'image/png' },
          { type: 'text', text: 'shipped' },
        ],
        structuredContent: { status: 'found' },
      }),
    ).toEqual({ ok: true, summary: 'Order O9002\nshipped', data: { status: 'found' } });
    expect(toolAnswer({ content: [] })).toEqual({ ok: true, summary: '', data: null });
  });

  it("turns a tool error into the model's message, with a fallback when it has no text", () => {
    expect(
      toolAnswer({ content: [{ type: 'text', text: 'No such order' }], isError: true }),
    ).toEqual({ ok: false, message: 'No such order' });
    expect(toolAnswer({ content: [], isError: true })).toEqual({
      ok: false,
      message: FALLBACK_ERROR_MESSAGE,
    });
  });
});

describe('classifyCallError', () => {
  it('tells a timeout, an answer from the server and a lost connection apart', () => {
    expect(classifyCallError(mcpError(-32001))).toBe('timeout');
    expect(classifyCallError(mcpError(-32000))).toBe('connection');
    expect(classifyCallError(mcpError(-32602))).toBe('answer');
    expect(classifyCallError(new TypeError('fetch failed'))).toBe('connection');
    expect(classifyCallError(undefined)).toBe('connection');
  });
});
