import type {
  DisplayDataContent,
  ErrorContent,
  ExecuteInputContent,
  ExecuteReply,
  ExecuteRequest,
  ExecuteResultContent,
  StreamContent,
} from "../protocol/messages";
import type { RequestContext, KernelServices } from "./context";
import { readBoolean, readString } from "./request-content";

const MSG_TYPE = "execute_request";

/**
 * Handles execute_request: runs the cell and publishes its input, output, result or error.
 *
 * The execution counter advances only when `store_history` is true and `silent` is false.
 * Stream text and displays of the cell go to iopub with this request as parent. On an error
 * with `stop_on_error` (and not `silent`), the execute requests already queued are aborted.
 */
export async function handleExecuteRequest(context: RequestContext, services: KernelServices): Promise<ExecuteReply> {
  const request = readExecuteRequest(context.request.content);

  // Step 1: count the execution and announce the input.
  const storesHistory = request.store_history && !request.silent;
  if (storesHistory) {
    services.executionCount += 1;
  }
  const executionCount = services.executionCount;
  if (!request.silent) {
    context.publish("execute_input", { code: request.code, execution_count: executionCount } satisfies ExecuteInputContent);
  }

  // Step 2: run the cell with its output parented to this request.
  services.outputs.setSink({
    stream: (name, text) => context.publish("stream", { name, text } satisfies StreamContent),
    display: (content: DisplayDataContent, update: boolean) =>
      context.publish(update ? "update_display_data" : "display_data", content),
  });
  const outcome = await services.runner.run(request.code);
  services.outputs.flush();

  // Step 3: publish the result and reply.
  if (outcome.status === "ok") {
    if (outcome.result !== undefined && !request.silent) {
      const result: ExecuteResultContent = { execution_count: executionCount, ...outcome.result };
      context.publish("execute_result", result);
    }
    // NOTE: user_expressions are not evaluated, so the reply always carries an empty object.
    return { status: "ok", execution_count: executionCount, payload: [], user_expressions: {} };
  }

  const error: ErrorContent = outcome.error;
  context.publish("error", error);
  if (request.stop_on_error && !request.silent) {
    await services.abortQueuedExecuteRequests();
  }
  return { status: "error", execution_count: executionCount, ...error };
}

/** Reads execute_request content with the specification's defaults for absent fields. */
export function readExecuteRequest(content: Record<string, unknown>): ExecuteRequest {
  const userExpressions = content.user_expressions ?? {};
  if (typeof userExpressions !== "object" || userExpressions === null || Array.isArray(userExpressions)) {
    throw new TypeError(`Invalid ${MSG_TYPE}: content.user_expressions must be an object.`);
  }
  return {
    code: readString(content, "code", MSG_TYPE),
    silent: readBoolean(content, "silent", MSG_TYPE, false),
    store_history: readBoolean(content, "store_history", MSG_TYPE, true),
    user_expressions: userExpressions as Record<string, string>,
    allow_stdin: readBoolean(content, "allow_stdin", MSG_TYPE, false),
    stop_on_error: readBoolean(content, "stop_on_error", MSG_TYPE, true),
  };
}
