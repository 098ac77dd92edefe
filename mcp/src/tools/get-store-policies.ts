import { z } from 'zod';
import { words } from '../store/search.js';
import { defineTool, textArgument } from './tool.js';

export const getStorePolicies = defineTool({
  name: 'get_store_policies',
  annotations: {
    title: 'Store policies',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  description:
    'The store\'s policies: delivery times, returns, refunds, exchanges, warranty, payment, cancellations and support hours. Optionally narrow to one topic word (e.g. "returns", "delivery").',
  inputSchema: {
    topic: textArgument(
      'Optional topic word, e.g. "returns", "refund", "delivery", "warranty"',
      100,
    ).optional(),
  },
  outputSchema: {
    status: z.enum(['found', 'topic_not_found']),
    store_name: z.string(),
    support_hours: z.string(),
    currency: z.string(),
    return_window_days: z.number(),
    policies: z.array(z.object({ topic: z.string(), title: z.string(), text: z.string() })),
    topics: z.array(z.string()).describe('Every policy topic the store has'),
  },
  handler({ topic }, context) {
    const { policies } = context.store();
    const topics = policies.policies.map((policy) => policy.topic);
    const wanted = topic === undefined ? [] : words(topic).map((word) => word.replace(/s$/, ''));
    const matching =
      wanted.length === 0
        ? policies.policies
        : policies.policies.filter((policy) => {
            const haystack = words(`${policy.topic.replace(/_/g, ' ')} ${policy.title}`).map(
              (word) => word.replace(/s$/, ''),
            );
            return wanted.some((word) => haystack.includes(word));
          });
    const found = matching.length > 0;
    const chosen = found ? matching : policies.policies;
    return {
      structured: {
        status: found ? ('found' as const) : ('topic_not_found' as const),
        store_name: policies.store_name,
        support_hours: policies.support_hours,
        currency: policies.currency,
        return_window_days: policies.return_window_days,
        policies: chosen,
        topics,
      },
      text:
        (found ? '' : 'No policy matches that topic; here are all of them. ') +
        chosen.map((policy) => `${policy.title}: ${policy.text}`).join(' '),
    };
  },
});
