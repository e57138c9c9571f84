/**
 * A typed client for the QMT trading server: openapi-fetch over the types
 * openapi-typescript generates from openapi/qmt-server.yaml (src/schema.ts),
 * with the two authentication schemes of the spec as middleware.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { paths } from "./schema.js";
import { canonicalBody, computeSignature, isJsonContentType, stringToSign } from "./signing.js";

export type QmtClient = Client<paths>;

export interface SignatureCredentials {
  clientId: string;
  secretKey: string;
}

export interface QmtClientOptions {
  /** e.g. `http://127.0.0.1:9091` */
  baseUrl: string;
  /** Sign every request with the HMAC headers (the outer API). */
  signature?: SignatureCredentials;
  /** Send the `session` cookie value that {@link login} returned. */
  session?: string;
  /** Unix time in seconds; the server allows 300 s of skew. */
  clock?: () => number;
  fetch?: typeof globalThis.fetch;
}

/**
 * Adds `X-Client-ID`, `X-Timestamp` and `X-Signature`, signing the body text
 * that is actually sent (the server's canonical form of it).
 */
export function signatureMiddleware(
  credentials: SignatureCredentials,
  clock: () => number = () => Date.now() / 1000,
): Middleware {
  const { clientId, secretKey } = credentials;
  return {
    async onRequest({ request }) {
      const url = new URL(request.url);
      const sent = request.body === null ? "" : await request.clone().text();
      // The server only parses a body sent as JSON; otherwise it signs an empty BODY.
      const body = isJsonContentType(request.headers.get("Content-Type")) ? canonicalBody(sent) : "";
      const timestamp = String(Math.floor(clock()));
      const message = stringToSign({
        method: request.method,
        path: url.pathname,
        query: url.search.replace(/^\?/, ""),
        body,
        timestamp,
        clientId,
      });
      request.headers.set("X-Client-ID", clientId);
      request.headers.set("X-Timestamp", timestamp);
      request.headers.set("X-Signature", computeSignature(secretKey, message));
      return request;
    },
  };
}

/** Sends the login session as the `session` cookie. */
export function sessionMiddleware(session: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set("Cookie", `session=${session}`);
      return request;
    },
  };
}

/** A client with the chosen authentication; with neither, requests go out unauthenticated. */
export function createQmtClient(options: QmtClientOptions): QmtClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (options.session !== undefined) client.use(sessionMiddleware(options.session));
  if (options.signature !== undefined) client.use(signatureMiddleware(options.signature, options.clock));
  return client;
}

/** The `session` cookie's value among a response's Set-Cookie headers, if any. */
export function sessionCookie(response: Response): string | undefined {
  for (const header of response.headers.getSetCookie()) {
    const match = /^session=([^;]*)/.exec(header);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

export interface LoginResult {
  /** The `session` cookie to pass as {@link QmtClientOptions.session}; undefined when refused. */
  session: string | undefined;
  /** The HTML login page the server answers wrong credentials with (containing 用户名或密码错误). */
  page: string | undefined;
  response: Response;
}

/**
 * `POST /login` with a form body. Success is a 302 that sets the session
 * cookie; wrong credentials are a 200 carrying the login page again.
 */
export async function login(
  baseUrl: string,
  username: string,
  password: string,
  fetchImpl: typeof globalThis.fetch = globalThis.fetch,
): Promise<LoginResult> {
  const client = createClient<paths>({ baseUrl, fetch: fetchImpl });
  const { data, response } = await client.POST("/login", {
    body: { username, password },
    bodySerializer: (form) => new URLSearchParams(form).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    redirect: "manual",
    parseAs: "text",
  });
  const session = response.status === 302 ? sessionCookie(response) : undefined;
  return { session, page: response.status === 200 ? String(data) : undefined, response };
}
