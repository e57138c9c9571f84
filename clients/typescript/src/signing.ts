/**
 * The QMT server's HMAC-SHA256 request signature, written from the spec's
 * text (openapi/qmt-server.yaml, info.description, "HMAC-SHA256 signature"
 * and "The canonical BODY").
 *
 * The server does not sign the bytes it received: it parses the JSON body and
 * re-serialises it the way Python's `json.dumps(obj, sort_keys=True,
 * separators=(',', ':'))` does. That text depends on how each number was
 * written (`10` is an integer, `10.0` a float), which `JSON.parse` forgets, so
 * {@link canonicalBody} works on the body text that is sent, with its own
 * small JSON reader.
 */
import { createHmac } from "node:crypto";

/** A JSON value as read by {@link canonicalBody}: numbers keep their token. */
type JsonValue =
  | null
  | boolean
  | string
  | { kind: "int"; token: string }
  | { kind: "float"; value: number }
  | JsonValue[]
  | Map<string, JsonValue>;

export class CanonicalJsonError extends Error {
  override name = "CanonicalJsonError";
}

/** Reads one JSON document, keeping integer tokens apart from float tokens. */
class JsonReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  readDocument(): JsonValue {
    const value = this.readValue();
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail("trailing characters");
    return value;
  }

  private fail(what: string): never {
    throw new CanonicalJsonError(`invalid JSON body at offset ${this.pos}: ${what}`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && " \t\n\r".includes(this.text.charAt(this.pos))) {
      this.pos += 1;
    }
  }

  private readValue(): JsonValue {
    this.skipSpace();
    const ch = this.text.charAt(this.pos);
    if (ch === "{") return this.readObject();
    if (ch === "[") return this.readArray();
    if (ch === '"') return this.readString();
    if (ch === "-" || (ch >= "0" && ch <= "9")) return this.readNumber();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail("unexpected character");
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.text.charAt(this.pos) !== ch) this.fail(`expected '${ch}'`);
    this.pos += 1;
  }

  /** Reads `open item (, item)* close`, calling `readItem` once per item. */
  private readSequence(open: string, close: string, readItem: () => void): void {
    this.expect(open);
    this.skipSpace();
    if (this.text.charAt(this.pos) === close) {
      this.pos += 1;
      return;
    }
    for (;;) {
      readItem();
      this.skipSpace();
      const next = this.text.charAt(this.pos);
      this.pos += 1;
      if (next === close) return;
      if (next !== ",") this.fail(`expected ',' or '${close}'`);
    }
  }

  private readObject(): Map<string, JsonValue> {
    const members = new Map<string, JsonValue>();
    this.readSequence("{", "}", () => {
      this.skipSpace();
      if (this.text.charAt(this.pos) !== '"') this.fail("expected a key");
      const key = this.readString();
      this.expect(":");
      members.set(key, this.readValue()); // a repeated key keeps its last value, as in Python
    });
    return members;
  }

  private readArray(): JsonValue[] {
    const items: JsonValue[] = [];
    this.readSequence("[", "]", () => items.push(this.readValue()));
    return items;
  }

  private readString(): string {
    this.pos += 1; // the opening quote
    let out = "";
    for (;;) {
      if (this.pos >= this.text.length) this.fail("unterminated string");
      const ch = this.text.charAt(this.pos);
      this.pos += 1;
      if (ch === '"') return out;
      if (ch < " ") this.fail("control character in a string");
      if (ch !== "\\") {
        out += ch;
        continue;
      }
      const escape = this.text.charAt(this.pos);
      this.pos += 1;
      const simple: Record<string, string> = {
        '"': '"',
        "\\": "\\",
        "/": "/",
        b: "\b",
        f: "\f",
        n: "\n",
        r: "\r",
        t: "\t",
      };
      if (escape in simple) {
        out += simple[escape];
      } else if (escape === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos, this.pos + 4))) {
        // Kept as a UTF-16 code unit: a surrogate pair comes back as the same pair.
        out += String.fromCharCode(parseInt(this.text.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else {
        this.fail("bad escape");
      }
    }
  }

  private readNumber(): JsonValue {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(this.text.slice(this.pos));
    if (!match) return this.fail("bad number");
    this.pos += match[0].length;
    if (match[2] === undefined && match[3] === undefined) return { kind: "int", token: match[0] };
    return { kind: "float", value: Number(match[0]) };
  }
}

/** A float as Python's `repr` writes it (shortest round-trip digits). */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  // toExponential() without an argument gives the shortest digits that read back as `value`.
  const [mantissa = "", exponentText = "0"] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  const sign = value < 0 ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    const fraction = digits.slice(exponent + 1) || "0";
    return `${sign}${whole}.${fraction}`;
  }
  const scaled = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const expSign = exponent < 0 ? "-" : "+";
  return `${sign}${scaled}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** A string as Python's json.dumps writes it with ensure_ascii (the default). */
function pythonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i); // UTF-16 code units: outside the BMP gives the surrogate pair
    const short: Record<number, string> = {
      0x22: '\\"',
      0x5c: "\\\\",
      0x0a: "\\n",
      0x0d: "\\r",
      0x09: "\\t",
      0x08: "\\b",
      0x0c: "\\f",
    };
    if (short[unit] !== undefined) out += short[unit];
    else if (unit >= 0x20 && unit <= 0x7e) out += String.fromCharCode(unit);
    else out += `\\u${unit.toString(16).padStart(4, "0")}`;
  }
  return `${out}"`;
}

/** Orders strings by Unicode code point, as Python sorts str (not by UTF-16 code unit). */
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a, (ch) => ch.codePointAt(0) ?? 0);
  const right = Array.from(b, (ch) => ch.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

function writeCanonical(value: JsonValue): string {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "string") return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(writeCanonical).join(",")}]`;
  if (value instanceof Map) {
    const keys = [...value.keys()].sort(compareCodePoints);
    return `{${keys.map((k) => `${pythonString(k)}:${writeCanonical(value.get(k) ?? null)}`).join(",")}}`;
  }
  if (value.kind === "int") return BigInt(value.token).toString(); // any size; -0 becomes 0
  return pythonFloatRepr(value.value);
}

/** Python's truthiness of the parsed body: `{}`, `[]`, `""`, `0`, `0.0`, `false`, `null` are falsy. */
function isFalsy(value: JsonValue): boolean {
  if (value === null || value === false || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Map) return value.size === 0;
  if (typeof value === "object" && value.kind === "int") return BigInt(value.token) === 0n;
  if (typeof value === "object" && value.kind === "float") return value.value === 0;
  return false;
}

/**
 * The BODY field for a JSON body sent as `bodyText`: the server's own
 * re-serialisation of what it parses. Empty text, or a falsy document, gives "".
 */
export function canonicalBody(bodyText: string): string {
  if (bodyText.trim() === "") return "";
  const parsed = new JsonReader(bodyText).readDocument();
  return isFalsy(parsed) ? "" : writeCanonical(parsed);
}

export interface SignedFields {
  method: string;
  path: string;
  /** The raw query string as sent, without `?`. */
  query: string;
  /** Already canonical (see {@link canonicalBody}); ignored for GET. */
  body: string;
  timestamp: string;
  clientId: string;
}

/** The six fields joined by line feeds; a GET always signs an empty BODY. */
export function stringToSign(fields: SignedFields): string {
  const method = fields.method.toUpperCase();
  const body = method === "GET" ? "" : fields.body;
  return [method, fields.path, fields.query, body, fields.timestamp, fields.clientId].join("\n");
}

/** Lower-case hex HMAC-SHA256 of `message` under `secretKey`, both as UTF-8. */
export function computeSignature(secretKey: string, message: string): string {
  return createHmac("sha256", Buffer.from(secretKey, "utf8"))
    .update(Buffer.from(message, "utf8"))
    .digest("hex");
}

/** Whether the server parses a body with this Content-Type (application/json or application/*+json). */
export function isJsonContentType(contentType: string | null): boolean {
  const mimetype = (contentType ?? "").split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return mimetype === "application/json" || (mimetype.startsWith("application/") && mimetype.endsWith("+json"));
}
