// Executes a plan through the injected client, in the plan's order (deletions first, so a number
// or rule moving between objects never clashes with its old owner, then trunks, then rules, which
// need the trunks' IDs). Updates replace the whole object in place (its ID stays); a server
// without the update API gets delete + create instead, and the result says so.
import {
  DEFAULT_SCOPE,
  KIND_LABEL,
  managedMetadata,
  UpdateNotSupportedError,
  type DispatchRuleSpec,
  type DispatchRuleWrite,
  type Kind,
  type SipAdminClient,
} from './model.js';
import { GUARD_METADATA, isGuardSpec } from './guard.js';
import type { Action, Change, Plan } from './plan.js';

export type Outcome = 'created' | 'updated' | 'replaced' | 'deleted' | 'unchanged';

export interface Applied {
  readonly outcome: Outcome;
  readonly kind: Kind;
  readonly name: string;
  /** The object's ID after the step (the new one when it was replaced). */
  readonly id: string;
  readonly changes: readonly Change[];
  /** Why something unexpected happened (an update done as delete + create). */
  readonly note: string | undefined;
}

export class ApplyError extends Error {
  override name = 'ApplyError';
  constructor(
    readonly step: string,
    override readonly cause: unknown,
    /** What had already been done when the step failed. */
    readonly done: readonly Applied[],
  ) {
    super(`${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

function describe(action: Action): string {
  const verb = { create: 'creating', update: 'updating', delete: 'deleting', noop: 'checking' };
  return `${verb[action.op]} ${KIND_LABEL[action.kind]} "${action.name}"`;
}

const sameIds = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** Applies the plan; throws ApplyError (with the steps already done) at the first failure. */
export async function applyPlan(plan: Plan, client: SipAdminClient): Promise<Applied[]> {
  if (plan.errors.length > 0) throw new Error(`the plan has errors:\n${plan.errors.join('\n')}`);
  const done: Applied[] = [];
  /** Marks every object written with the file's scope (model.ts, DEFAULT_SCOPE). */
  const metadata = managedMetadata(plan.scope ?? DEFAULT_SCOPE);
  /** Inbound trunk name → ID as it will be after this run, for the rules. */
  const trunkIds = new Map<string, string>();
  for (const action of plan.actions) {
    if (action.kind === 'inbound' && (action.op === 'noop' || action.op === 'update')) {
      trunkIds.set(action.name, action.current.id);
    }
  }

  const resolve = (spec: DispatchRuleSpec): DispatchRuleWrite => ({
    name: spec.name,
    rule: spec.rule,
    agentName: spec.agentName,
    callerIdTrust: spec.callerIdTrust,
    trunkIds: spec.trunks.map((name) => {
      const id = trunkIds.get(name);
      if (id === undefined) throw new Error(`inbound trunk "${name}" has no ID on the server`);
      return id;
    }),
  });

  const record = (
    outcome: Outcome,
    action: Action,
    id: string,
    changes: readonly Change[] = [],
    note?: string,
  ): void => {
    done.push({ outcome, kind: action.kind, name: action.name, id, changes, note });
  };

  for (const action of plan.actions) {
    try {
      await step(action);
    } catch (error) {
      throw new ApplyError(describe(action), error, done);
    }
  }
  return done;

  async function step(action: Action): Promise<void> {
    switch (action.op) {
      case 'delete':
        if (action.kind === 'rule') await client.deleteDispatchRule(action.current.id);
        else await client.deleteTrunk(action.current.id);
        record('deleted', action, action.current.id);
        return;
      case 'create': {
        const id = await create(action);
        if (action.kind === 'inbound') trunkIds.set(action.name, id);
        record('created', action, id);
        return;
      }
      case 'update':
        await updateOrReplace(action, action.changes, undefined);
        return;
      case 'noop':
        // A rule is unchanged by name, but its trunk may have been re-created with a new ID.
        if (
          action.kind === 'rule' &&
          !sameIds(resolve(action.spec).trunkIds, action.current.trunkIds)
        ) {
          await updateOrReplace(action, [], 'its inbound trunk was re-created with a new ID');
          return;
        }
        record('unchanged', action, action.current.id);
        return;
    }
  }

  async function updateOrReplace(
    action: Action & { op: 'update' | 'noop' },
    changes: readonly Change[],
    reason: string | undefined,
  ): Promise<void> {
    try {
      await update(action, action.current.id);
      record('updated', action, action.current.id, changes, reason);
    } catch (error) {
      if (!(error instanceof UpdateNotSupportedError)) throw error;
      // Older servers cannot update SIP objects: delete and create again (the ID changes;
      // rules pointing at a re-created trunk are updated after it).
      if (action.kind === 'rule') await client.deleteDispatchRule(action.current.id);
      else await client.deleteTrunk(action.current.id);
      const id = await create(action);
      if (action.kind === 'inbound') trunkIds.set(action.name, id);
      const replaced = `this server cannot update a ${KIND_LABEL[action.kind]} in place (${error.message}), so ${action.current.id} was deleted and created again as ${id}`;
      record(
        'replaced',
        action,
        id,
        changes,
        reason === undefined ? replaced : `${reason}; ${replaced}`,
      );
    }
  }

  async function create(action: Action & { op: 'create' | 'update' | 'noop' }): Promise<string> {
    switch (action.kind) {
      case 'inbound': {
        const marker = isGuardSpec(action.spec) ? GUARD_METADATA : metadata;
        return (await client.createInboundTrunk(action.spec, marker)).id;
      }
      case 'outbound':
        return (await client.createOutboundTrunk(action.spec, metadata)).id;
      case 'rule':
        return (await client.createDispatchRule(resolve(action.spec), metadata)).id;
    }
  }

  async function update(action: Action & { op: 'update' | 'noop' }, id: string): Promise<void> {
    switch (action.kind) {
      case 'inbound':
        await client.updateInboundTrunk(id, action.spec, metadata);
        return;
      case 'outbound':
        await client.updateOutboundTrunk(id, action.spec, metadata);
        return;
      case 'rule':
        await client.updateDispatchRule(id, resolve(action.spec), metadata);
        return;
    }
  }
}
