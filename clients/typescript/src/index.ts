export type { components, operations, paths } from "./schema.js";
export {
  createQmtClient,
  login,
  sessionCookie,
  sessionMiddleware,
  signatureMiddleware,
  type LoginResult,
  type QmtClient,
  type QmtClientOptions,
  type SignatureCredentials,
} from "./client.js";
export {
  CanonicalJsonError,
  canonicalBody,
  computeSignature,
  isJsonContentType,
  pythonFloatRepr,
  stringToSign,
  type SignedFields,
} from "./signing.js";
