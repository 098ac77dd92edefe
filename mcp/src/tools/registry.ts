import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Logger } from 'pino';
import { getCallerVerification } from './get-caller-verification.js';
import { getCustomerOrders } from './get-customer-orders.js';
import { getDeliveryStatus } from './get-delivery-status.js';
import { getOrderDelivery } from './get-order-delivery.js';
import { getOrderStatus } from './get-order-status.js';
import { getProduct } from './get-product.js';
import { getReturnStatus } from './get-return-status.js';
import { getStorePolicies } from './get-store-policies.js';
import { searchProducts } from './search-products.js';
import { ToolInputError, type AnyTool, type ToolContext } from './tool.js';
import { verifyCustomer } from './verify-customer.js';

export const TOOLS: readonly AnyTool[] = [
  getProduct,
  getOrderStatus,
  getDeliveryStatus,
  getReturnStatus,
  getCustomerOrders,
  getStorePolicies,
  searchProducts,
  verifyCustomer,
  getOrderDelivery,
  getCallerVerification,
];

/**
 * Registers every tool as it declares itself (no per-tool metadata here). Logs name, outcome and
 * duration only: arguments may hold an email.
 */
export function registerTools(server: McpServer, context: ToolContext, logger: Logger): void {
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      {
        // Tool.title for clients of the newer spec; annotations.title for the older ones.
        title: tool.annotations.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: tool.annotations,
      },
      (args: Record<string, unknown>) => {
        const started = performance.now();
        try {
          const reply = tool.handler(args, context);
          logger.debug({ tool: tool.name, ms: performance.now() - started }, 'tool call');
          return {
            content: [{ type: 'text' as const, text: reply.text }],
            structuredContent: reply.structured,
          };
        } catch (error) {
          const invalid = error instanceof ToolInputError;
          if (!invalid) logger.error({ tool: tool.name, err: error }, 'tool failed');
          return {
            isError: true,
            content: [
              {
                type: 'text' as const,
                text: invalid ? error.message : 'The lookup failed unexpectedly. Please try again.',
              },
            ],
          };
        }
      },
    );
  }
}
