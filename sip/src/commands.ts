// The commands, given their inputs: arguments, environment, an output and a client factory.
// Returns the exit code (0 success, 1 any error); main.ts supplies the real process and server.
import { ApplyError, applyPlan } from './apply.js';
import {
  ConfigError,
  USAGE,
  agentName,
  loadConnection,
  parseCommand,
  type Command,
} from './config.js';
import {
  formatApplied,
  formatCatches,
  formatList,
  formatPlan,
  redactingOutput,
  serverSecrets,
  type Output,
} from './format.js';
import type { LiveKitConnection } from './livekit-client.js';
import { KIND_LABEL, isManaged, type CurrentState, type SipAdminClient } from './model.js';
import { planChanges } from './plan.js';
import { TrunksFileError, loadTrunksFile } from './trunks-file.js';

export interface CliDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly output: Output;
  readonly createClient: (connection: LiveKitConnection) => SipAdminClient;
  readonly now?: () => Date;
}

type Out = ReturnType<typeof redactingOutput>;

export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const secrets = [deps.env.LIVEKIT_API_SECRET ?? ''].filter((secret) => secret !== '');
  const output = redactingOutput(deps.output, secrets);
  try {
    const command = parseCommand(argv, deps.env, deps.cwd);
    return await run(command, deps, output);
  } catch (error) {
    if (error instanceof TrunksFileError) {
      for (const issue of error.message.split('\n')) output.err(issue);
      const count = error.issues.length;
      output.err(
        `${count} problem${count === 1 ? '' : 's'} in the trunks file; nothing was sent to the server.`,
      );
      return 1;
    }
    if (error instanceof ApplyError) {
      if (error.done.length > 0) {
        for (const line of formatApplied(error.done, { file: 'the file', server: 'the server' })) {
          output.err(line);
        }
      }
      output.err(`Error: ${error.message}`);
      output.err('Run `npm run sip -- plan` to see what is left to do.');
      return 1;
    }
    output.err(error instanceof ConfigError ? error.message : `Error: ${(error as Error).message}`);
    return 1;
  }
}

async function readCurrent(client: SipAdminClient, output: Out): Promise<CurrentState> {
  const [inbound, outbound, rules] = await Promise.all([
    client.listInboundTrunks(),
    client.listOutboundTrunks(),
    client.listDispatchRules(),
  ]);
  const current = { inbound, outbound, rules };
  output.addSecrets(serverSecrets(current));
  return current;
}

async function run(command: Command, deps: CliDeps, output: Out): Promise<number> {
  switch (command.name) {
    case 'help':
      output.out(USAGE);
      return 0;
    case 'plan':
    case 'apply':
      return planOrApply(command, deps, output);
    case 'list': {
      const { connection, current } = await connect(deps, output);
      for (const line of formatList(current, connection.url)) output.out(line);
      return 0;
    }
    case 'delete':
      return remove(command.id, deps, output);
    case 'call':
      return call(command, deps, output);
  }
}

async function connect(
  deps: CliDeps,
  output: Out,
): Promise<{ connection: LiveKitConnection; client: SipAdminClient; current: CurrentState }> {
  const connection = loadConnection(deps.env);
  const client = deps.createClient(connection);
  return { connection, client, current: await readCurrent(client, output) };
}

async function planOrApply(
  command: Extract<Command, { name: 'plan' | 'apply' }>,
  deps: CliDeps,
  output: Out,
): Promise<number> {
  const file = await loadTrunksFile(command.file, {
    file: command.displayFile,
    env: deps.env,
    defaultAgentName: agentName(deps.env),
  });
  output.addSecrets(file.secrets);
  let connection;
  try {
    connection = loadConnection(deps.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(
      `${command.displayFile} is valid, but the server cannot be compared with it: ${error.message}`,
    );
  }
  const client = deps.createClient(connection);
  const plan = planChanges(file.desired, await readCurrent(client, output), file.scope);
  const target = { file: command.displayFile, server: connection.url };
  if (command.name === 'plan' || plan.errors.length > 0) {
    for (const line of formatPlan(plan, target)) output.out(line);
    return plan.errors.length > 0 ? 1 : 0;
  }
  const applied = await applyPlan(plan, client);
  for (const line of formatApplied(applied, target)) output.out(line);
  for (const line of formatCatches(plan)) output.out(line);
  return 0;
}

async function remove(id: string, deps: CliDeps, output: Out): Promise<number> {
  const { connection, client, current } = await connect(deps, output);
  const found = [
    ...current.rules.map((item) => ({ kind: 'rule' as const, item })),
    ...current.inbound.map((item) => ({ kind: 'inbound' as const, item })),
    ...current.outbound.map((item) => ({ kind: 'outbound' as const, item })),
  ].find((entry) => entry.item.id === id);
  if (found === undefined) {
    output.err(`No SIP trunk or dispatch rule with ID ${id} on ${connection.url}.`);
    return 1;
  }
  if (found.kind === 'rule') await client.deleteDispatchRule(id);
  else await client.deleteTrunk(id);
  output.out(`Deleted ${KIND_LABEL[found.kind]} "${found.item.name}" (${id}).`);
  if (isManaged(found.item.metadata)) {
    output.out(
      'It was created by this tool: the next apply creates it again if the file still describes it.',
    );
  }
  return 0;
}

async function call(
  command: Extract<Command, { name: 'call' }>,
  deps: CliDeps,
  output: Out,
): Promise<number> {
  const { client, current } = await connect(deps, output);
  const trunks = current.outbound;
  const trunk =
    command.trunk === undefined
      ? trunks.length === 1
        ? trunks[0]
        : undefined
      : trunks.find((item) => item.name === command.trunk || item.id === command.trunk);
  if (trunk === undefined) {
    const names = trunks.map((item) => item.name).join(', ') || 'none';
    output.err(
      command.trunk === undefined
        ? `Choose the outbound trunk with --trunk NAME (on the server: ${names}).`
        : `No outbound trunk "${command.trunk}" on the server (there: ${names}).`,
    );
    return 1;
  }
  const stamp = (deps.now?.() ?? new Date()).toISOString().replace(/[-:]/g, '').slice(0, 15);
  const room = command.room ?? `sip-test-${stamp}`;
  const agent = command.agent ? agentName(deps.env) : undefined;
  output.out(
    `Dialing ${command.number} through outbound trunk "${trunk.name}" (${trunk.id}, ${trunk.address}) into room ${room}${agent === undefined ? '' : ` with agent ${agent}`}; ringing up to ${command.ringSeconds} s...`,
  );
  const result = await client.dial({
    trunkId: trunk.id,
    number: command.number,
    room,
    fromNumber: command.from,
    agentName: agent,
    ringingSeconds: command.ringSeconds,
  });
  output.out(
    `Answered: participant ${result.participantIdentity} in room ${result.room} (SIP call ID ${result.sipCallId}). The call lasts until the callee hangs up or the room is deleted.`,
  );
  return 0;
}
