/**
 * Conformance: this package (types generated from the spec, the signer written
 * from its text) against a running simulator, over real HTTP.
 *
 * The assertions are protocol facts the spec states (status codes, shapes,
 * the 400/401 messages, who may call what), not details of the simulator
 * (which repo side it books, message wording of results). Every operation the
 * spec marks as main-line must be exercised; the last test checks that.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { createQmtClient, login, type QmtClient, type SignatureCredentials } from "../src/client.js";
import type { components } from "../src/schema.js";
import { canonicalBody, computeSignature, stringToSign } from "../src/signing.js";
import { SPEC, startSimulator, type Simulator } from "./support.js";

type Order = components["schemas"]["Order"];
type TraderResult = components["schemas"]["TraderResult"];

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const SUFFIXED = /^\d{6}\.(SH|SZ|BJ)$/;
const CANCELABLE = new Set([48, 49, 50, 55]);
const CANCELLING_OR_CANCELLED = new Set([51, 52, 53, 54]);
const ORDER_STATUSES = new Set<number>(SPEC.components.schemas.OrderStatus.enum);

/** The operations the spec marks as served by the main line (all of them when none is marked). */
function mainLineOperations(): string[] {
  const found: string[] = [];
  for (const [path, item] of Object.entries<Record<string, { "x-server-lines"?: unknown }>>(SPEC.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const lines = operation["x-server-lines"];
      const onMain =
        lines === undefined ||
        (Array.isArray(lines) && lines.includes("main")) ||
        (typeof lines === "object" && lines !== null && !Array.isArray(lines) && "main" in lines);
      if (onMain) found.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return found;
}

/** Every spec operation a request was answered on, by matching the URL against the spec's paths. */
const exercised = new Set<string>();
const templates = Object.keys(SPEC.paths).map((path) => ({
  path,
  pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
}));

const recordingFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const response = await fetch(request);
  const { pathname } = new URL(request.url);
  const match = templates.find((t) => t.pattern.test(pathname));
  if (match) exercised.add(`${request.method} ${match.path}`);
  return response;
};

let sim: Simulator;
let credentials: SignatureCredentials;
let user: { username: string; password: string };
let signed: QmtClient;
let accountCount: number;
let lastPrice: number; // 000001.SZ, from the positions of account 0

const round2 = (value: number): number => Math.round(value * 100) / 100;
/** A limit buy this far under the market rests (already reported, status 50) instead of filling. */
const restingBuyPrice = (): number => round2(lastPrice * 0.95);
const restingSellPrice = (): number => round2(lastPrice * 1.05);

/**
 * A request whose body text, content type and signed BODY the test chooses
 * itself; the signature is computed with this package's signer.
 */
async function rawSigned(
  method: string,
  pathAndQuery: string,
  options: { body?: string; contentType?: string; signedBody?: string; clock?: number } = {},
): Promise<Response> {
  const url = new URL(pathAndQuery, sim.baseUrl);
  const timestamp = String(Math.floor(options.clock ?? Date.now() / 1000));
  const message = stringToSign({
    method,
    path: url.pathname,
    query: url.search.replace(/^\?/, ""),
    body: options.signedBody ?? canonicalBody(options.body ?? ""),
    timestamp,
    clientId: credentials.clientId,
  });
  const headers: Record<string, string> = {
    "X-Client-ID": credentials.clientId,
    "X-Timestamp": timestamp,
    "X-Signature": computeSignature(credentials.secretKey, message),
  };
  if (options.contentType) headers["Content-Type"] = options.contentType;
  return recordingFetch(url, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
}

function onlyResult(results: TraderResult[], traderIndex: number): components["schemas"]["OrderOutcome"] {
  assert.equal(results.length, 1);
  const [entry] = results;
  assert.ok(entry);
  assert.equal(entry.trader_index, traderIndex);
  assert.equal(entry.status, "success");
  assert.ok(entry.result, "a result object");
  return entry.result;
}

async function getOrder(orderId: number, traderIndex: number): Promise<Order> {
  const { data, error } = await signed.POST("/qmt/trade/api/order", {
    body: { order_id: orderId, trader_index: traderIndex },
  });
  assert.equal(error, undefined);
  assert.ok(data);
  return data;
}

before(async () => {
  sim = await startSimulator();
  const [client] = sim.config.outer_api_clients;
  credentials = { clientId: client.client_id, secretKey: client.secret_key };
  [user] = sim.config.users;
  signed = createQmtClient({ baseUrl: sim.baseUrl, signature: credentials, fetch: recordingFetch });
});

after(async () => {
  await sim?.stop();
});

describe("signature scheme: accounts, assets and positions", () => {
  it("GET /accounts lists the accounts in trader_index order", async () => {
    const { data, response } = await signed.GET("/qmt/trade/api/accounts");
    assert.equal(response.status, 200);
    assert.ok(data && data.accounts.length >= 2, "the sample config has two accounts");
    data.accounts.forEach((account, index) => {
      assert.equal(account.index, index);
      assert.equal(typeof account.account_id, "string");
      assert.equal(typeof account.nick_name, "string");
    });
    accountCount = data.accounts.length;
  });

  it("GET /portfolio/{trader_index} answers the assets; out of range is a 400", async () => {
    const { data } = await signed.GET("/qmt/trade/api/portfolio/{trader_index}", {
      params: { path: { trader_index: 0 } },
    });
    assert.ok(data);
    for (const key of ["total_asset", "cash", "frozen_cash", "market_value", "profit", "profit_ratio"] as const) {
      assert.equal(typeof data.portfolio[key], "number", key);
    }
    const bad = await signed.GET("/qmt/trade/api/portfolio/{trader_index}", {
      params: { path: { trader_index: accountCount } },
    });
    assert.equal(bad.response.status, 400);
    // The spec also lists the 404 text page (a negative index), so narrow to the JSON refusal.
    const refusal = bad.error;
    assert.ok(refusal !== undefined && typeof refusal !== "string");
    assert.match(refusal.error, /^无效的交易器索引/);
  });

  it("GET /positions/{trader_index} answers suffixed symbols", async () => {
    const { data } = await signed.GET("/qmt/trade/api/positions/{trader_index}", {
      params: { path: { trader_index: 0 } },
    });
    assert.ok(data && data.positions.length > 0);
    for (const position of data.positions) {
      assert.match(position.symbol, SUFFIXED);
      assert.ok(Number.isInteger(position.volume) && Number.isInteger(position.can_use_volume));
    }
    const pingan = data.positions.find((p) => p.symbol === "000001.SZ");
    assert.ok(pingan, "the sample config holds 000001.SZ in account 0");
    lastPrice = pingan.current_price;
    assert.ok(lastPrice > 0);
  });

  it("a GET with a query string is signed over the raw query", async () => {
    const response = await rawSigned("GET", "/qmt/trade/api/accounts?probe=1%2C2&x=%E6%B5%8B");
    assert.equal(response.status, 200);
  });
});

describe("signature scheme: refusals", () => {
  it("a wrong secret is 401 签名验证失败", async () => {
    const forged = createQmtClient({
      baseUrl: sim.baseUrl,
      signature: { clientId: credentials.clientId, secretKey: `${credentials.secretKey}x` },
      fetch: recordingFetch,
    });
    const { response, error } = await forged.GET("/qmt/trade/api/accounts");
    assert.equal(response.status, 401);
    assert.equal(error?.error, "签名验证失败");
  });

  it("an unknown client, an old or a malformed timestamp are refused by name", async () => {
    const cases: [SignatureCredentials, () => number, string][] = [
      [{ clientId: "no_such_client", secretKey: "x" }, () => Date.now() / 1000, "无效的客户端ID"],
      [credentials, () => Date.now() / 1000 - 1000, "请求时间戳过期"],
      [credentials, () => Number.NaN, "无效的时间戳格式"],
    ];
    for (const [who, clock, message] of cases) {
      const client = createQmtClient({ baseUrl: sim.baseUrl, signature: who, clock, fetch: recordingFetch });
      const { response, error } = await client.POST("/qmt/trade/api/orders", { body: { trader_index: 0 } });
      assert.equal(response.status, 401, message);
      assert.equal(error?.error, message);
    }
  });

  it("a signature-only route without credentials is 401 缺少必要的签名验证参数", async () => {
    const anonymous = createQmtClient({ baseUrl: sim.baseUrl, fetch: recordingFetch });
    const { response, error } = await anonymous.POST("/qmt/trade/api/orders", { body: { trader_index: 0 } });
    assert.equal(response.status, 401);
    assert.equal(error?.error, "缺少必要的签名验证参数");
  });

  it("a POST signed over its body but sent without Content-Type: application/json is 401", async () => {
    const body = '{"trader_index":0}';
    const response = await rawSigned("POST", "/qmt/trade/api/orders", { body, contentType: "text/plain" });
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { error: "签名验证失败" });
  });

  it("the same POST signed over an empty BODY passes the check, then fails with 500 (415)", async () => {
    const body = '{"trader_index":0}';
    const response = await rawSigned("POST", "/qmt/trade/api/orders", {
      body,
      contentType: "text/plain",
      signedBody: "",
    });
    assert.equal(response.status, 500);
    const answer = (await response.json()) as { error: string; message: string };
    assert.match(answer.error, /^接口异常: /);
    assert.match(answer.message, /415 Unsupported Media Type/);
  });
});

describe("signature scheme: trading and orders", () => {
  let restingBuyId: number;

  it("outer buy by order_num keeps a Chinese strategy name, up to /order and /orders", async () => {
    const strategy = "网格策略🚀";
    const { data } = await signed.POST("/qmt/trade/api/outer/trade/{operation}", {
      params: { path: { operation: "buy" } },
      body: { symbol: "000001", trade_price: restingBuyPrice(), order_num: 100, trader_index: 0, strategy_name: strategy },
    });
    assert.ok(data);
    assert.equal(data.operation, "buy");
    assert.equal(data.trade_mode, "order_num");
    assert.equal(data.trade_param, 100);
    assert.equal(data.strategy_name, strategy);
    const outcome = onlyResult(data.results, 0);
    assert.equal(outcome.success, true);
    assert.equal(outcome.symbol, "000001.SZ");
    assert.equal(typeof outcome.order_id, "number");
    restingBuyId = outcome.order_id ?? -1;

    const order = await getOrder(restingBuyId, 0);
    assert.equal(order.order_id, restingBuyId);
    assert.equal(order.side, "buy");
    assert.equal(order.symbol, "000001.SZ");
    assert.equal(order.volume, 100);
    assert.equal(order.strategy_name, strategy);
    assert.ok(ORDER_STATUSES.has(order.status), String(order.status));

    const orders = await signed.POST("/qmt/trade/api/orders", { body: { trader_index: 0 } });
    assert.ok(Array.isArray(orders.data), "/orders answers a bare JSON array");
    const listed = orders.data.find((o) => o.order_id === restingBuyId);
    assert.equal(listed?.strategy_name, strategy);
  });

  it("/orders with cancelable_only lists only cancelable statuses", async () => {
    const { data } = await signed.POST("/qmt/trade/api/orders", { body: { trader_index: 0, cancelable_only: true } });
    assert.ok(Array.isArray(data));
    assert.ok(data.some((o) => o.order_id === restingBuyId), "the resting buy is cancelable");
    for (const order of data) assert.ok(CANCELABLE.has(order.status), String(order.status));
  });

  it("/cancel_order cancels one order", async () => {
    const { data } = await signed.POST("/qmt/trade/api/cancel_order", {
      body: { order_id: restingBuyId, trader_index: 0 },
    });
    assert.ok(data);
    assert.equal(data.success, true);
    assert.equal(data.order_id, restingBuyId);
    assert.ok(data.message.includes(String(restingBuyId)));
    assert.ok(CANCELLING_OR_CANCELLED.has((await getOrder(restingBuyId, 0)).status));
  });

  it("whole floats sent as 10.0 are signed as 10.0 and accepted", async () => {
    const body = { symbol: "000001", trade_price: 10.0, order_num: 100, trader_index: 1, strategy_name: "整数价格" };
    const text = '{"symbol":"000001","trade_price":10.0,"order_num":100,"trader_index":1,"strategy_name":"整数价格"}';
    assert.deepEqual(JSON.parse(text), body);
    const { data, response } = await signed.POST("/qmt/trade/api/outer/trade/{operation}", {
      params: { path: { operation: "buy" } },
      body,
      bodySerializer: () => text,
    });
    assert.equal(response.status, 200);
    assert.equal(data?.strategy_name, "整数价格");
    assert.equal(onlyResult(data?.results ?? [], 1).price, 10);
  });

  it("an exponent written by JavaScript (1e-7) is signed as Python writes it (1e-07)", async () => {
    const { data, response } = await signed.POST("/qmt/trade/api/outer/trade/{operation}", {
      params: { path: { operation: "buy" } },
      body: { symbol: "000001", trade_price: 10.5, position_pct: 1e-7, trader_index: 0 },
    });
    assert.equal(response.status, 200);
    assert.equal(data?.trade_mode, "position_pct");
    assert.equal(data?.trade_param, 1e-7);
    assert.equal(onlyResult(data?.results ?? [], 0).success, false, "0.1 CNY buys no lot");
  });

  it("a nested object in the body is signed with its keys sorted", async () => {
    const text = '{"trader_index":0,"client_tag":{"run":7,"labels":["b","a"],"at":{"z":null,"a":true}}}';
    const response = await rawSigned("POST", "/qmt/trade/api/orders", { body: text, contentType: "application/json" });
    assert.equal(response.status, 200);
    assert.ok(Array.isArray(await response.json()));
  });

  it("outer sell, then /cancel_orders/sale cancels the open sell", async () => {
    const { data } = await signed.POST("/qmt/trade/api/outer/trade/{operation}", {
      params: { path: { operation: "sell" } },
      body: { symbol: "000001.SZ", trade_price: restingSellPrice(), order_num: 100, trader_index: 0 },
    });
    const sellId = onlyResult(data?.results ?? [], 0).order_id ?? -1;
    assert.equal((await getOrder(sellId, 0)).side, "sell");

    const cancel = await signed.POST("/qmt/trade/api/cancel_orders/sale", { body: { trader_index: 0 } });
    assert.equal(cancel.data?.message, "取消所有卖单完成");
    assert.deepEqual(cancel.data?.results, [{ trader_index: 0, status: "success" }]);
    assert.ok(CANCELLING_OR_CANCELLED.has((await getOrder(sellId, 0)).status));
  });

  it("/cancel_orders/buy with {} acts on every account", async () => {
    const { data } = await signed.POST("/qmt/trade/api/cancel_orders/buy", { body: {} });
    assert.equal(data?.message, "取消所有买单完成");
    assert.deepEqual(
      data?.results.map((r) => r.trader_index),
      Array.from({ length: accountCount }, (_, i) => i),
    );
  });

  it("the server's 400s name the problem", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, "请求数据不能为空"],
      [{ symbol: "000001", trade_price: 10.5, position_pct: 0.1, order_num: 100 }, "position_pct 和 order_num 不能同时提供，请选择其中一个"],
      [{ symbol: "000001", trade_price: 10.5 }, "必须提供 position_pct 或 order_num 其中之一"],
      [{ symbol: "000001", trade_price: 10.5, order_num: 150 }, "order_num 必须是 100 的倍数（股）"],
      [{ symbol: "000001", trade_price: 10.5, position_pct: 1.5 }, "position_pct 必须在 0 到 1 之间"],
      [{ symbol: "000001", trade_price: 10.5, order_num: 100, trader_index: 9 }, "无效的交易器索引: 9"],
    ];
    for (const [body, message] of cases) {
      const response = await rawSigned("POST", "/qmt/trade/api/outer/trade/buy", {
        body: JSON.stringify(body),
        contentType: "application/json",
      });
      assert.equal(response.status, 400, message);
      assert.deepEqual(await response.json(), { error: message });
    }
  });

  it("/order with an unknown id is a 500", async () => {
    const { response, error } = await signed.POST("/qmt/trade/api/order", {
      body: { order_id: 987654321, trader_index: 0 },
    });
    assert.equal(response.status, 500);
    assert.equal(error?.error, "接口异常: order");
  });

  it("/trade/nhg lends cash with a reserve sent as a whole float", async () => {
    const text = '{"reserve_amount":1000.0,"trader_index":0}';
    const { data, response } = await signed.POST("/qmt/trade/api/trade/nhg", {
      body: { reserve_amount: 1000, trader_index: 0 },
      bodySerializer: () => text,
    });
    assert.equal(response.status, 200);
    assert.equal(data?.reserve_amount, 1000);
    assert.equal(data?.results.length, 1);
    assert.equal(data?.results[0]?.trader_index, 0);
    assert.equal(typeof data?.results[0]?.result?.success, "boolean");
  });

  it("/trade/allin answers result: null for every account", async () => {
    const { data } = await signed.POST("/qmt/trade/api/trade/allin", {
      body: { symbol: "000001", cur_price: restingBuyPrice(), trader_index: 1 },
    });
    assert.equal(data?.message, "全仓买入完成");
    assert.deepEqual(
      data?.results.map((r) => [r.trader_index, r.result]),
      [[1, null]],
    );
  });
});

describe("notification relay", () => {
  it("POST /send_msg answers {message, status} (200 sent, or 500 with status error)", async () => {
    const { data, error, response } = await signed.POST("/send_msg", { body: { msg: "策略已启动 🚀" } });
    assert.ok([200, 500].includes(response.status), `status ${response.status}`);
    if (response.status === 200) assert.deepEqual(data, { message: "消息发送成功", status: "success" });
    else assert.equal((error as { status?: string } | undefined)?.status, "error");
  });
});

describe("upstream-line market-data routes", () => {
  // Marked upstream only; a main-line server answers a plain 404, which is fine here too.
  it("answer data keyed by suffixed symbol, or a plain 404 where not served", async () => {
    const tick = await signed.GET("/qmt/data/api/get_full_tick", {
      params: { query: { stock_list: "000001.SZ,600000.SH" } },
      parseAs: "text",
    });
    const bars = await signed.GET("/qmt/data/api/get_market_data_ex", {
      params: { query: { stock_list: "000001.SZ,600000.SH", count: 3 } },
      parseAs: "text",
    });
    for (const { response, data, error } of [tick, bars]) {
      if (response.status === 404) continue;
      assert.equal(response.status, 200, String(error));
      const answer = JSON.parse(String(data)) as { status: string; data: Record<string, unknown> };
      assert.equal(answer.status, "success");
      for (const symbol of Object.keys(answer.data)) assert.match(symbol, SUFFIXED);
    }
  });
});

describe("session scheme", () => {
  let session: QmtClient;

  it("GET /login is the HTML page", async () => {
    const anonymous = createQmtClient({ baseUrl: sim.baseUrl, fetch: recordingFetch });
    const { response } = await anonymous.GET("/login", { parseAs: "text" });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("Content-Type") ?? "", /^text\/html/);
  });

  it("wrong credentials answer 200 with the login page and no session", async () => {
    const { session: cookie, page, response } = await login(sim.baseUrl, user.username, "wrong", recordingFetch);
    assert.equal(response.status, 200);
    assert.equal(cookie, undefined);
    assert.match(page ?? "", /用户名或密码错误/);
  });

  it("a form login answers 302 to /trading with an HttpOnly session cookie", async () => {
    const { session: cookie, response } = await login(sim.baseUrl, user.username, user.password, recordingFetch);
    assert.equal(response.status, 302);
    assert.match(response.headers.get("Location") ?? "", /\/trading$/);
    assert.ok(cookie, "Set-Cookie: session=...");
    assert.ok(response.headers.getSetCookie().some((h) => /^session=.*;\s*HttpOnly/i.test(h)));
    session = createQmtClient({ baseUrl: sim.baseUrl, session: cookie, fetch: recordingFetch });
  });

  it("the session reads accounts, assets and positions", async () => {
    assert.equal((await session.GET("/qmt/trade/api/accounts")).response.status, 200);
    const path = { params: { path: { trader_index: 1 } } };
    assert.equal((await session.GET("/qmt/trade/api/portfolio/{trader_index}", path)).response.status, 200);
    assert.equal((await session.GET("/qmt/trade/api/positions/{trader_index}", path)).response.status, 200);
  });

  it("POST /buy, /sell and /trade trade from the session", async () => {
    const buy = await session.POST("/qmt/trade/api/buy", {
      body: { symbol: "000001", price: restingBuyPrice(), shares: 100, trader_index: 0, strategy_name: "会话买入" },
    });
    assert.equal(buy.data?.message, "买入执行完成");
    assert.equal(onlyResult(buy.data?.results ?? [], 0).success, true);

    const sell = await session.POST("/qmt/trade/api/sell", {
      body: { symbol: "600000", price: 16.5, shares: 100, trader_index: 0 },
    });
    assert.equal(sell.data?.message, "卖出执行完成");
    assert.equal(onlyResult(sell.data?.results ?? [], 0).symbol, "600000.SH");

    const ratio = await session.POST("/qmt/trade/api/trade", {
      body: { symbol: "000001", trade_price: restingBuyPrice(), position_pct: 0.01, pricetype: 0, trader_index: 0 },
    });
    assert.equal(ratio.data?.message, "交易执行完成");
    assert.equal(onlyResult(ratio.data?.results ?? [], 0).success, true);
  });

  it("session-only routes refuse a signature, signature-only routes refuse a session", async () => {
    const bySignature = await signed.POST("/qmt/trade/api/buy", {
      body: { symbol: "000001", price: 10.5, shares: 100 },
    });
    assert.equal(bySignature.response.status, 401);
    assert.equal(bySignature.error?.error, "未登录，请先登录");

    const bySession = await session.POST("/qmt/trade/api/orders", { body: { trader_index: 0 } });
    assert.equal(bySession.response.status, 401);
    assert.equal(bySession.error?.error, "缺少必要的签名验证参数");
  });

  it("GET /config is the HTML page with a session, a 302 to /login without", async () => {
    const page = await session.GET("/config", { parseAs: "text" });
    assert.equal(page.response.status, 200);
    assert.match(page.response.headers.get("Content-Type") ?? "", /^text\/html/);
    const anonymous = createQmtClient({ baseUrl: sim.baseUrl, fetch: recordingFetch });
    const { response } = await anonymous.GET("/config", { redirect: "manual", parseAs: "text" });
    assert.equal(response.status, 302);
    assert.match(response.headers.get("Location") ?? "", /\/login$/);
  });

  it("GET /logout redirects to /login", async () => {
    const { response } = await session.GET("/logout", { redirect: "manual", parseAs: "text" });
    assert.equal(response.status, 302);
    assert.match(response.headers.get("Location") ?? "", /\/login$/);
  });
});

describe("coverage", () => {
  it("every main-line operation of the spec was exercised", () => {
    const expected = mainLineOperations();
    assert.ok(expected.length >= 17, expected.join(", "));
    assert.deepEqual(
      expected.filter((operation) => !exercised.has(operation)),
      [],
    );
  });
});
