/**
 * Test helper: headless Chromium driven over the DevTools protocol (CDP)
 * with Deno's own WebSocket: no driver dependency. Opens a page, collects
 * console errors and uncaught exceptions, evaluates expressions, takes a
 * screenshot. Needs `chromium` in /usr/bin or similar (Debian's package; `.ci/run`
 * installs it) and `--allow-run --allow-net=127.0.0.1`.
 *
 * @module
 */

/** A page opened in headless Chromium. */
export interface BrowserPage {
  /** Console errors, uncaught exceptions and error log entries so far. */
  readonly errors: string[];
  /** Evaluates `expression` in the page and returns its value (JSON-serialisable). */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG screenshot of the full page. */
  screenshot(): Promise<Uint8Array>;
  /** Closes the browser. */
  close(): Promise<void>;
}

/** Chromium's path in the usual places, or undefined. */
export function findChromium(): string | undefined {
  const dirs = ["/usr/bin", "/usr/local/bin", "/snap/bin", "/opt/google/chrome"];
  for (const name of ["chromium", "chromium-browser", "google-chrome", "chrome"]) {
    for (const dir of dirs) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Finds Chromium, or throws (a browser test run under CI must fail without one). */
export function chromiumPath(): string {
  const path = findChromium();
  if (path) return path;
  throw new Error(
    "Cannot run the browser test as chromium is not installed (apt-get install chromium)",
  );
}

/** Whether browser tests run: with Chromium, or under CI (where a missing one fails them). */
const runBrowserTests = findChromium() !== undefined || Deno.env.get("CI") === "true";
let skipNoted = false;

/**
 * Registers a test that needs headless Chromium. Without Chromium it is
 * skipped, with one visible line saying so and how to enable it; under
 * `CI=true` it runs (and fails), so CI never passes without its browser.
 */
export function browserTest(name: string, fn: () => Promise<void>): void {
  if (!runBrowserTests && !skipNoted) {
    skipNoted = true;
    console.warn(
      "browser tests skipped: chromium is not installed (apt-get install chromium, then run the tests again)",
    );
  }
  Deno.test({
    name: runBrowserTests ? name : `${name} [skipped: no chromium]`,
    ignore: !runBrowserTests,
    fn,
  });
}

/** Opens `url` in a fresh headless Chromium and waits for its load event. */
export async function openPage(url: string, profileDir: string): Promise<BrowserPage> {
  const child = new Deno.Command(chromiumPath(), {
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--remote-debugging-port=0",
      `--user-data-dir=${profileDir}`,
      "--window-size=1280,900",
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on stderr.
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "", endpoint: string | undefined;
  const deadline = Date.now() + 30_000;
  while (!endpoint) {
    const { value, done } = await reader.read();
    if (done || Date.now() > deadline) {
      child.kill();
      throw new Error(`Cannot start chromium: ${text.slice(-500)}`);
    }
    text += value;
    endpoint = /DevTools listening on (ws:\/\/\S+)/.exec(text)?.[1];
  }
  void (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();

  const ws = new WebSocket(endpoint);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners: ((method: string, params: Record<string, unknown>) => void)[] = [];
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data as string);
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`${msg.error.message}`));
      else p?.resolve(msg.result);
    } else if (msg.method) {
      for (const l of listeners) l(msg.method, msg.params ?? {});
    }
  };
  const send = <T>(method: string, params: unknown = {}, sessionId?: string) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });

  const { targetId } = await send<{ targetId: string }>("Target.createTarget", {
    url: "about:blank",
  });
  const { sessionId } = await send<{ sessionId: string }>("Target.attachToTarget", {
    targetId,
    flatten: true,
  });
  const errors: string[] = [];
  let loaded: () => void = () => {};
  const load = new Promise<void>((resolve) => (loaded = resolve));
  listeners.push((method, params) => {
    if (method === "Runtime.exceptionThrown") {
      const d = params.exceptionDetails as { text?: string; exception?: { description?: string } };
      errors.push(`exception: ${d.exception?.description ?? d.text}`);
    } else if (method === "Runtime.consoleAPICalled" && params.type === "error") {
      errors.push(`console.error: ${JSON.stringify(params.args)}`);
    } else if (method === "Log.entryAdded") {
      const entry = params.entry as { level: string; text: string; url?: string };
      if (entry.level === "error") errors.push(`log: ${entry.text} ${entry.url ?? ""}`);
    } else if (method === "Page.loadEventFired") {
      loaded();
    }
  });
  for (const domain of ["Runtime", "Log", "Page"]) await send(`${domain}.enable`, {}, sessionId);
  await send("Page.navigate", { url }, sessionId);
  await Promise.race([load, new Promise((r) => setTimeout(r, 30_000))]);

  return {
    errors,
    async evaluate<T>(expression: string): Promise<T> {
      const r = await send<{ result: { value: T }; exceptionDetails?: { text: string } }>(
        "Runtime.evaluate",
        { expression, returnByValue: true, awaitPromise: true },
        sessionId,
      );
      if (r.exceptionDetails) throw new Error(`evaluate: ${r.exceptionDetails.text}`);
      return r.result.value;
    },
    async screenshot(): Promise<Uint8Array> {
      const { data } = await send<{ data: string }>(
        "Page.captureScreenshot",
        { format: "png", captureBeyondViewport: true },
        sessionId,
      );
      return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    },
    async close(): Promise<void> {
      try {
        await Promise.race([send("Browser.close"), new Promise((r) => setTimeout(r, 3000))]);
      } catch {
        // already closing
      }
      ws.close();
      try {
        child.kill();
      } catch {
        // exited
      }
      await child.status;
    },
  };
}
