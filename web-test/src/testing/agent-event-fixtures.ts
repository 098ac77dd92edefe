// One agent.events tool_call message as the agent publishes it, shared by the panel tests.
export function toolCallMessage(at = 1763632801500) {
  return {
    type: 'tool_call',
    v: 1,
    at,
    callId: 'call_AbC123',
    name: 'get_order_status',
    args: { order_id: 'O9002' },
    status: 'ok',
    durationMs: 380,
    result: { order_id: 'O9002', order_status: 'Shipped' },
  } as const;
}
