import { createHmac, getHashes, timingSafeEqual } from "node:crypto";

/**
 * Signs and verifies the four JSON frames of a wire message (header, parent_header, metadata,
 * content, in that order). The signature is the lowercase hex HMAC digest of their bytes.
 * With an empty key, authentication is off: signatures are empty and every signature verifies.
 */
export interface MessageSigner {
  sign(frames: readonly Buffer[]): string;
  verify(signature: string, frames: readonly Buffer[]): boolean;
}

/** The signature scheme that Jupyter clients use by default. */
export const DEFAULT_SIGNATURE_SCHEME = "hmac-sha256";

/**
 * Creates a signer for a connection file's `signature_scheme` and `key`.
 * The scheme is `hmac-<hash>` with a hash that Node's crypto module supports, such as
 * `hmac-sha256`. Throws a RangeError for any other scheme.
 */
export function createMessageSigner(scheme: string, key: string): MessageSigner {
  const algorithm = parseSignatureScheme(scheme);
  if (key === "") {
    return { sign: () => "", verify: () => true };
  }

  function sign(frames: readonly Buffer[]): string {
    const hmac = createHmac(algorithm, key);
    for (const frame of frames) {
      hmac.update(frame);
    }
    return hmac.digest("hex");
  }

  function verify(signature: string, frames: readonly Buffer[]): boolean {
    const expected = Buffer.from(sign(frames), "latin1");
    const actual = Buffer.from(signature, "latin1");
    // timingSafeEqual requires equal lengths, and a length mismatch reveals nothing about the key.
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  return { sign, verify };
}

function parseSignatureScheme(scheme: string): string {
  const prefix = "hmac-";
  const algorithm = scheme.startsWith(prefix) ? scheme.slice(prefix.length) : "";
  if (algorithm === "" || !getHashes().includes(algorithm)) {
    throw new RangeError(
      `Unsupported signature_scheme ${JSON.stringify(scheme)}. ` +
        `Use "hmac-<hash>" with a hash that Node.js supports, such as "${DEFAULT_SIGNATURE_SCHEME}".`,
    );
  }
  return algorithm;
}
