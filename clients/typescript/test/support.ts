/**
 * Shared by the tests: the repository's files (spec, simulator), the spec's
 * worked signing examples, and a simulator process on a free port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { parse } from "yaml";

/** The repository root: this file runs from clients/typescript/dist/test/. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
export const SPEC_PATH = join(REPO_ROOT, "openapi", "qmt-server.yaml");

export type Yaml = any;

export function readYaml(path: string): Yaml {
  return parse(readFileSync(path, "utf8"));
}

export const SPEC: Yaml = readYaml(SPEC_PATH);

/** A program of the repository's virtual environment (made by `make venv`), or fail saying so. */
export function venvProgram(name: string): string {
  const program = join(REPO_ROOT, ".venv", "bin", name);
  if (!existsSync(program)) {
    throw new Error(`${program} not found: run 'make venv' in ${REPO_ROOT} first`);
  }
  return program;
}

export interface WorkedExample {
  title: string;
  method: string;
  path: string;
  query: string;
  sentBody: string | undefined;
  lines: string[];
  digest: string;
}

function only(pattern: RegExp, text: string): RegExpMatchArray {
  const matches = [...text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`))];
  if (matches.length !== 1 || !matches[0]) {
    throw new Error(`${pattern} matched ${matches.length} times in:\n${text}`);
  }
  return matches[0];
}

/** The "Worked examples" of the spec's signing section, read from its text. */
export function workedExamples(): { secret: string; clientId: string; timestamp: string; examples: WorkedExample[] } {
  const description: string = SPEC.info.description;
  const start = description.indexOf("\n### Worked examples\n");
  if (start < 0) throw new Error("the spec has no '### Worked examples' section");
  const rest = description.slice(start + 1);
  const next = rest.slice(1).search(/\n##+ /);
  const section = next < 0 ? rest : rest.slice(0, next + 1);
  const examples = section
    .split(/\n(?=\*\*Example \d+: )/)
    .slice(1)
    .map((chunk) => {
      const [, method = "", target = ""] = only(/\n`(GET|POST) (\/[^`\s]+)`/, chunk);
      const [path = "", query = ""] = target.split("?", 2);
      const bodies = [...chunk.matchAll(/```json\n([\s\S]*?)\n```/g)];
      return {
        title: only(/^\*\*Example \d+: ([^*]+)\.\*\*/, chunk)[1] ?? "",
        method,
        path,
        query,
        sentBody: bodies[0]?.[1],
        lines: (only(/```text\n([\s\S]*?)\n```/, chunk)[1] ?? "").split("\n"),
        digest: only(/`X-Signature`: `([0-9a-f]{64})`/, chunk)[1] ?? "",
      };
    });
  return {
    secret: only(/secret `([^`]+)`/, section)[1] ?? "",
    clientId: only(/client `([^`]+)`/, section)[1] ?? "",
    timestamp: only(/timestamp `(\d+)`/, section)[1] ?? "",
    examples,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolvePort(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

export interface Simulator {
  baseUrl: string;
  config: Yaml;
  stop(): Promise<void>;
}

/**
 * Starts `qmt-sim` with the packaged sample config on a fresh database and a
 * free port, and waits until `GET /login` answers.
 */
export async function startSimulator(): Promise<Simulator> {
  const program = process.env.QMT_SIM ?? venvProgram("qmt-sim");
  const configPath = join(REPO_ROOT, "qmt_sim", "sample_config.yaml");
  const workdir = mkdtempSync(join(tmpdir(), "qmt-ts-conformance-"));
  const port = await freePort();
  const child: ChildProcess = spawn(
    program,
    ["--config", configPath, "--db", join(workdir, "sim.sqlite3"), "--host", "127.0.0.1", "--port", String(port)],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(workdir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`qmt-sim exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      const answer = await fetch(`${baseUrl}/login`);
      await answer.arrayBuffer();
      if (answer.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`qmt-sim did not answer on ${baseUrl} within 30 s: ${stderr}`);
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  return { baseUrl, config: readYaml(configPath), stop };
}
