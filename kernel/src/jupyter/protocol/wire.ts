import type { MessageSigner } from "./signature";
import type { JupyterMessage, MessageHeader, ParentHeader } from "./messages";

/**
 * Encoding of Jupyter messages as ZeroMQ multipart frames (the "wire protocol"):
 *
 *   [identity, ..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffer, ...]
 *
 * The four JSON frames are UTF-8 JSON objects and the signature covers exactly those four.
 */

/** Frame that separates the routing prefix from the message. */
export const DELIMITER = Buffer.from("<IDS|MSG>", "ascii");

/** Number of JSON frames after the signature: header, parent_header, metadata and content. */
const JSON_FRAME_COUNT = 4;

/** Error for frames that do not form a valid, correctly signed message. */
export class WireFormatError extends Error {
  override name = "WireFormatError";
}

/** Encodes `message` into frames and signs them with `signer`. */
export function encodeMessage(message: JupyterMessage<unknown>, signer: MessageSigner): Buffer[] {
  const jsonFrames = [message.header, message.parent_header, message.metadata, message.content].map(
    (part) => Buffer.from(JSON.stringify(part), "utf8"),
  );
  const signature = Buffer.from(signer.sign(jsonFrames), "ascii");
  return [...message.identities, DELIMITER, signature, ...jsonFrames, ...message.buffers];
}

/**
 * Decodes frames into a message after checking the signature.
 * Throws a WireFormatError when the delimiter or a JSON frame is missing, the signature does
 * not match, or a JSON frame is not an object.
 */
export function decodeMessage(frames: readonly Buffer[], signer: MessageSigner): JupyterMessage {
  const delimiterIndex = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (delimiterIndex < 0) {
    throw new WireFormatError("Invalid message: the <IDS|MSG> delimiter frame is missing.");
  }

  const signatureIndex = delimiterIndex + 1;
  const jsonFrames = frames.slice(signatureIndex + 1, signatureIndex + 1 + JSON_FRAME_COUNT);
  if (signatureIndex >= frames.length || jsonFrames.length < JSON_FRAME_COUNT) {
    const found = Math.max(0, frames.length - signatureIndex);
    throw new WireFormatError(
      `Invalid message: expected a signature and ${JSON_FRAME_COUNT} JSON frames after the delimiter, found ${found} frames.`,
    );
  }

  const signature = frames[signatureIndex].toString("latin1");
  if (!signer.verify(signature, jsonFrames)) {
    throw new WireFormatError("Invalid message: the signature does not match the connection key.");
  }

  const [header, parentHeader, metadata, content] = jsonFrames.map((frame, index) =>
    parseJsonObject(frame, JSON_FRAME_NAMES[index]),
  );
  return {
    identities: frames.slice(0, delimiterIndex),
    header: validateHeader(header),
    parent_header: parentHeader as ParentHeader,
    metadata,
    content,
    buffers: frames.slice(signatureIndex + 1 + JSON_FRAME_COUNT),
  };
}

const JSON_FRAME_NAMES = Object.freeze(["header", "parent_header", "metadata", "content"]);

function parseJsonObject(frame: Buffer, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString("utf8"));
  } catch (error) {
    throw new WireFormatError(`Invalid message: the ${name} frame is not valid JSON (${(error as Error).message}).`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new WireFormatError(`Invalid message: the ${name} frame must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function validateHeader(header: Record<string, unknown>): MessageHeader {
  for (const field of ["msg_id", "msg_type"] as const) {
    if (typeof header[field] !== "string" || header[field] === "") {
      throw new WireFormatError(`Invalid message: header.${field} must be a non-empty string.`);
    }
  }
  // The header is kept as received, with any fields of newer protocol versions, because
  // replies copy it into their parent_header.
  return header as unknown as MessageHeader;
}
