/**
 * The signer against the spec's own worked examples, and against Python's
 * json.dumps itself on many generated bodies (Python is the server's language,
 * so it is the oracle for the canonical BODY).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";

import { canonicalBody, computeSignature, pythonFloatRepr, stringToSign } from "../src/signing.js";
import { venvProgram, workedExamples } from "./support.js";

const { secret, clientId, timestamp, examples } = workedExamples();

describe("the spec's worked examples", () => {
  it("are found", () => {
    assert.ok(examples.length >= 6, `only ${examples.length} examples`);
    assert.deepEqual([secret, clientId, timestamp], ["test_secret", "test_client", "1700000000"]);
  });

  for (const example of examples) {
    it(`${example.title}: string to sign and X-Signature`, () => {
      const message = stringToSign({
        method: example.method,
        path: example.path,
        query: example.query,
        body: canonicalBody(example.sentBody ?? ""),
        timestamp,
        clientId,
      });
      assert.equal(message, example.lines.join("\n"));
      assert.equal(computeSignature(secret, message), example.digest);
    });
  }
});

describe("canonical BODY edge cases", () => {
  it("falsy documents sign an empty BODY", () => {
    for (const text of ["", "  ", "{}", "[]", '""', "0", "0.0", "false", "null", " { } "]) {
      assert.equal(canonicalBody(text), "", text);
    }
  });

  it("integers keep every digit, floats are re-printed", () => {
    assert.equal(canonicalBody('{"a":12345678901234567890123}'), '{"a":12345678901234567890123}');
    assert.equal(canonicalBody('{"a":-0,"b":-0.0,"c":1E5,"d":10.50}'), '{"a":0,"b":-0.0,"c":100000.0,"d":10.5}');
  });

  it("refuses what is not JSON", () => {
    for (const text of ["{", '{"a":}', "{'a':1}", '{"a":01}', '{"a":1} x', '"\u0001"']) {
      assert.throws(() => canonicalBody(text), /invalid JSON body/, text);
    }
  });

  it("prints floats like Python's repr at the notation bounds", () => {
    const cases: [number, string][] = [
      [1e-5, "1e-05"],
      [1e-4, "0.0001"],
      [1.5e-7, "1.5e-07"],
      [9999999999999998, "9999999999999998.0"],
      [1e16, "1e+16"],
      [-2.5e20, "-2.5e+20"],
      [0.1, "0.1"],
      [123.456, "123.456"],
      [5e-324, "5e-324"],
      [1.7976931348623157e308, "1.7976931348623157e+308"],
    ];
    for (const [value, expected] of cases) assert.equal(pythonFloatRepr(value), expected, String(value));
  });
});

/** A seeded generator of JSON texts that exercise every trap of the canonical form. */
function* generatedBodies(count: number): Generator<string> {
  let state = 0x2545f491;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const alphabet = ["a", "Z", "0", " ", '"', "\\", "/", "\n", "\t", "\u0001", "\u007f", "é", "测", "试", "\ue000", "\uffff", "🚀", "😀", "\ud800"];
  const text = (): string => Array.from({ length: Math.floor(next() * 6) }, () => pick(alphabet)).join("");
  const numberToken = (): string => {
    const magnitude = 10 ** Math.floor(next() * 50 - 25);
    const value = (next() - 0.3) * magnitude;
    return pick([
      () => String(Math.round(value)),
      () => String(value),
      () => value.toExponential(),
      () => value.toExponential(3).toUpperCase(),
      () => value.toFixed(Math.floor(next() * 4)),
      () => `${Math.round(value % 1e15)}.0`, // a whole float, written with its fraction
      () => pick(["-0", "-0.0", "1e400", "12345678901234567890", "1E5", "0.00001", "1e-7"]),
    ])();
  };
  const value = (depth: number): string => {
    const choice = next();
    if (depth > 2 || choice < 0.45) {
      return pick([() => JSON.stringify(text()), numberToken, () => pick(["true", "false", "null"])])();
    }
    if (choice < 0.7) return `[${Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1)).join(", ")}]`;
    const members = Array.from({ length: Math.floor(next() * 5) }, () => `${JSON.stringify(text())} : ${value(depth + 1)}`);
    return `{ ${members.join(",")} }`;
  };
  for (let i = 0; i < count; i += 1) {
    const members = Array.from({ length: 1 + Math.floor(next() * 5) }, () => `${JSON.stringify(text())}:${value(0)}`);
    yield `{${members.join(",")}}`;
  }
}

describe("canonical BODY against Python's json.dumps", () => {
  it("agrees on 2,000 generated bodies", () => {
    const bodies = [...generatedBodies(2000)];
    const script = [
      "import json, sys",
      "out = []",
      "for text in json.load(sys.stdin):",
      "    obj = json.loads(text)",
      "    out.append(json.dumps(obj, sort_keys=True, separators=(',', ':')) if obj else '')",
      "json.dump(out, sys.stdout)",
    ].join("\n");
    const python = spawnSync(venvProgram("python"), ["-c", script], {
      input: JSON.stringify(bodies),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(python.status, 0, python.stderr);
    const expected: string[] = JSON.parse(python.stdout);
    assert.equal(expected.length, bodies.length);
    let compared = 0;
    bodies.forEach((body, index) => {
      assert.equal(canonicalBody(body), expected[index], body);
      compared += 1;
    });
    assert.equal(compared, 2000);
  });
});
