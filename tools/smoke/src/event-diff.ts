// What differs between two runs' Realtime event sequences, leaving out what differs from run to run
// by nature: timing, ids, values, and how many streaming deltas an answer was cut into. Compared per
// direction (what the plugin sent, what it received), since how the two interleave is timing.
//   order:  event types in order, a run of `*.delta` events counted as one step
//   types:  event types seen in one run only
//   (both without session.created, which the plugin's log has or not by timing)
//   shapes: for event types in both, field paths (with their JSON kinds) in one run only
import {
  TIMING_DEPENDENT_SERVER_EVENTS,
  UNLOGGED_CLIENT_EVENTS,
  type Direction,
  type RealtimeEvent,
} from './realtime-events.js';

/** Whether an event takes part in the order and type comparisons. */
const compared = (event: RealtimeEvent, direction: Direction) =>
  event.direction === direction &&
  !UNLOGGED_CLIENT_EVENTS.has(event.type) &&
  !(direction === 'server' && TIMING_DEPENDENT_SERVER_EVENTS.has(event.type));

export interface OrderStep {
  op: 'same' | 'missing' | 'extra';
  step: string;
}

export interface DirectionDiff {
  direction: Direction;
  /** Steps only in the baseline ('missing') or only in the compared run ('extra'), in order. */
  order: OrderStep[];
  missingTypes: string[];
  extraTypes: string[];
}

export interface ShapeDifference {
  direction: Direction;
  type: string;
  path: string;
  /** JSON kinds at the path in each run ('' when absent). */
  baseline: string;
  actual: string;
}

export interface EventDiff {
  directions: DirectionDiff[];
  shapes: ShapeDifference[];
  /** No difference of any kind. */
  same: boolean;
}

const isDelta = (type: string) => type.endsWith('.delta');

/**
 * Event types in order; a run of delta events of any types becomes one `deltas(...)` step (the
 * appends the plugin never logs and the timing-dependent session.created are left out).
 */
export function orderSteps(events: readonly RealtimeEvent[], direction: Direction): string[] {
  const steps: string[] = [];
  let deltas = new Set<string>();
  const flush = () => {
    if (deltas.size > 0) steps.push(`deltas(${[...deltas].sort().join(', ')})`);
    deltas = new Set();
  };
  for (const event of events) {
    if (!compared(event, direction)) continue;
    if (isDelta(event.type)) deltas.add(event.type);
    else {
      flush();
      steps.push(event.type);
    }
  }
  flush();
  return steps;
}

/** A longest-common-subsequence alignment of two step lists. */
export function alignSteps(baseline: readonly string[], actual: readonly string[]): OrderStep[] {
  const n = baseline.length;
  const m = actual.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] =
        baseline[i] === actual[j]
          ? lcs[i + 1]![j + 1]! + 1
          : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: OrderStep[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && baseline[i] === actual[j]) {
      out.push({ op: 'same', step: baseline[i++]! });
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push({ op: 'extra', step: actual[j++]! });
    } else {
      out.push({ op: 'missing', step: baseline[i++]! });
    }
  }
  return out;
}

const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/** Every field path of a value with the kinds seen there (`a.b`, `items[].type`). */
export function collectShape(
  value: unknown,
  path = '',
  into = new Map<string, Set<string>>(),
): Map<string, Set<string>> {
  if (path !== '') {
    const kinds = into.get(path) ?? new Set<string>();
    kinds.add(kindOf(value));
    into.set(path, kinds);
  }
  if (Array.isArray(value)) for (const item of value) collectShape(item, `${path}[]`, into);
  else if (value !== null && typeof value === 'object')
    for (const [key, child] of Object.entries(value))
      collectShape(child, path === '' ? key : `${path}.${key}`, into);
  return into;
}

function shapesByType(events: readonly RealtimeEvent[], direction: Direction) {
  const byType = new Map<string, Map<string, Set<string>>>();
  for (const event of events) {
    if (event.direction !== direction) continue;
    const shape = byType.get(event.type) ?? new Map<string, Set<string>>();
    collectShape(event.event, '', shape);
    byType.set(event.type, shape);
  }
  return byType;
}

/** `a.b[].c` → `a.b[]` → `a.b` → `a` → undefined. */
export function parentPath(path: string): string | undefined {
  if (path.endsWith('[]')) return path.slice(0, -2);
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : path.slice(0, dot);
}

const kinds = (set: Set<string> | undefined) => (set ? [...set].sort().join('|') : '');

export function diffEvents(
  baseline: readonly RealtimeEvent[],
  actual: readonly RealtimeEvent[],
  options: { shapes?: boolean } = {},
): EventDiff {
  const directions: DirectionDiff[] = [];
  const shapes: ShapeDifference[] = [];
  for (const direction of ['client', 'server'] as const) {
    const before = orderSteps(baseline, direction);
    const after = orderSteps(actual, direction);
    const types = (events: readonly RealtimeEvent[]) =>
      new Set(events.filter((e) => compared(e, direction)).map((e) => e.type));
    const beforeTypes = types(baseline);
    const afterTypes = types(actual);
    directions.push({
      direction,
      order: alignSteps(before, after).filter((step) => step.op !== 'same'),
      missingTypes: [...beforeTypes].filter((t) => !afterTypes.has(t)).sort(),
      extraTypes: [...afterTypes].filter((t) => !beforeTypes.has(t)).sort(),
    });
    if (options.shapes === false) continue;
    const beforeShapes = shapesByType(baseline, direction);
    const afterShapes = shapesByType(actual, direction);
    for (const [type, beforeShape] of [...beforeShapes].sort(([a], [b]) => a.localeCompare(b))) {
      const afterShape = afterShapes.get(type);
      if (afterShape === undefined) continue;
      const paths = [...new Set([...beforeShape.keys(), ...afterShape.keys()])].sort();
      for (const path of paths) {
        const b = kinds(beforeShape.get(path));
        const a = kinds(afterShape.get(path));
        if (a === b) continue;
        // A field under one that is already missing on the same side says nothing more.
        const parent = parentPath(path);
        if (parent !== undefined) {
          if (b === '' && !beforeShape.has(parent)) continue;
          if (a === '' && !afterShape.has(parent)) continue;
        }
        shapes.push({ direction, type, path, baseline: b, actual: a });
      }
    }
  }
  const same =
    shapes.length === 0 &&
    directions.every(
      (d) => d.order.length === 0 && d.missingTypes.length === 0 && d.extraTypes.length === 0,
    );
  return { directions, shapes, same };
}
