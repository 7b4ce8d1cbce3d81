/// <reference lib="dom" />
/**
 * The browser site's page script: builds a recipe's form from its flag table
 * (embedded by `scripts/site.ts` as JSON: names, types, ranges, defaults and
 * the `--help` text), keeps the URL and the "command line" box in step with
 * the form, and runs the recipe in a worker (`worker-<recipe>.js`) so the page never
 * freezes. Stop terminates the worker. `?run=1` runs on opening.
 *
 * Nothing heavy is imported here: the page stays small; the worker carries
 * the library and Vega.
 *
 * @module
 */

/** One form field, as the build script embeds it. */
export interface FieldSpec {
  name: string;
  type: "integer" | "number" | "choice" | "list" | "string" | "path" | "boolean";
  help: string;
  default?: string;
  choices?: readonly string[];
  min?: number;
  max?: number;
}

/** What the build script embeds in each recipe page. */
export interface PageSpec {
  recipe: string;
  task: string;
  fields: FieldSpec[];
}

/** The raw flag values of a form (strings; true for a ticked switch), defaults left out. */
export function formValues(
  spec: PageSpec,
  read: (name: string) => string | boolean,
): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (const f of spec.fields) {
    const v = read(f.name);
    if (f.type === "boolean") {
      if (v === true) values[f.name] = true;
    } else if (typeof v === "string" && v !== "" && v !== f.default) values[f.name] = v;
  }
  return values;
}

/** The `deno task` command that reproduces `values` in a terminal. */
export function commandLine(spec: PageSpec, values: Record<string, string | boolean>): string {
  const quote = (w: string) => /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`;
  const words = [`deno task ${spec.task}`];
  for (const [k, v] of Object.entries(values)) {
    words.push(v === true ? `--${k}` : `--${k} ${quote(String(v))}`);
  }
  return words.join(" ");
}

function field(f: FieldSpec, initial: string | undefined): HTMLElement {
  const row = document.createElement("div");
  row.className = "field";
  const id = `flag-${f.name}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = `--${f.name}`;
  let input: HTMLInputElement | HTMLSelectElement;
  if (f.type === "choice") {
    const select = document.createElement("select");
    for (const c of f.choices ?? []) select.add(new Option(c, c));
    select.value = initial ?? f.default ?? "";
    input = select;
  } else {
    const box = document.createElement("input");
    if (f.type === "boolean") {
      box.type = "checkbox";
      box.checked = initial === "true" || initial === "";
    } else {
      box.type = f.type === "integer" || f.type === "number" ? "number" : "text";
      if (f.type === "integer") box.step = "1";
      if (f.type === "number") box.step = "any";
      if (f.min !== undefined && Number.isFinite(f.min)) box.min = String(f.min);
      if (f.max !== undefined && Number.isFinite(f.max)) box.max = String(f.max);
      box.value = initial ?? f.default ?? "";
    }
    input = box;
  }
  input.id = id;
  input.name = f.name;
  const help = document.createElement("small");
  help.id = `${id}-help`;
  help.textContent = f.help;
  input.setAttribute("aria-describedby", help.id);
  row.append(label, input, help);
  return row;
}

/** Wires the page up (called on load). */
export function start(): void {
  const spec: PageSpec = JSON.parse(document.getElementById("page-spec")!.textContent!);
  const params = new URLSearchParams(location.search);
  const form = document.getElementById("flags") as HTMLFormElement;
  for (const f of spec.fields) form.append(field(f, params.get(f.name) ?? undefined));
  const report = document.getElementById("report")!;
  const json = document.getElementById("json")!;
  const figures = document.getElementById("figures")!;
  const status = document.getElementById("status")!;
  const command = document.getElementById("command")!;
  const runButton = document.getElementById("run") as HTMLButtonElement;
  const stopButton = document.getElementById("stop") as HTMLButtonElement;
  const progressBar = document.getElementById("progress") as HTMLProgressElement;
  // Absent where the recipe runs on its shipped data only (the neural one).
  const fileInput = document.getElementById("file") as HTMLInputElement | null;
  let data: { name: string; bytes: Uint8Array } | undefined;

  const read = (name: string): string | boolean => {
    const el = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
    return el instanceof HTMLInputElement && el.type === "checkbox" ? el.checked : el.value;
  };
  const sync = () => {
    const values = formValues(spec, read);
    const q = new URLSearchParams(
      Object.entries(values).map(([k, v]) => [k, v === true ? "" : String(v)]),
    );
    history.replaceState(null, "", q.size ? `?${q}` : location.pathname);
    command.textContent = commandLine(spec, {
      ...values,
      ...(data ? { "input-file": data.name } : {}),
    });
    return values;
  };
  form.addEventListener("input", sync);
  form.addEventListener("change", sync);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });

  let worker: Worker | undefined;
  let t0 = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const finish = (text: string) => {
    clearInterval(timer);
    status.textContent = text;
    runButton.disabled = false;
    stopButton.disabled = true;
    document.body.dataset.state = "done";
  };
  const run = () => {
    const values = sync();
    worker ??= new Worker(new URL(`./worker-${spec.recipe}.js`, import.meta.url), {
      type: "module",
    });
    worker.onmessage = (e) => {
      const r = e.data;
      if (r.progress) {
        const [done, total] = r.progress;
        progressBar.max = total;
        progressBar.value = done;
        return;
      }
      if (!r.ok) {
        report.textContent = "";
        json.textContent = "";
        figures.replaceChildren();
        finish(`Error: ${r.error}`);
        document.body.dataset.result = "error";
        return;
      }
      report.textContent = r.lines.join("\n");
      document.getElementById("warnings")!.textContent = r.warnings
        .map((w: string) => `Warning: ${w}`).join("\n");
      json.textContent = JSON.stringify(r.json);
      const files = document.getElementById("files")!;
      files.replaceChildren(...r.files.map((f: { name: string; bytes: Uint8Array }) => {
        const a = document.createElement("a");
        a.href = URL.createObjectURL(new Blob([f.bytes as Uint8Array<ArrayBuffer>]));
        a.download = f.name;
        a.textContent = `Download ${f.name}`;
        return a;
      }));
      figures.replaceChildren(...r.figures.map((f: { title: string; svg: string }) => {
        const fig = document.createElement("figure");
        const cap = document.createElement("figcaption");
        cap.textContent = f.title;
        const holder = document.createElement("div");
        holder.innerHTML = f.svg; // our own Vega output, rendered in the worker
        holder.querySelector("svg")?.setAttribute("role", "img");
        holder.querySelector("svg")?.setAttribute("aria-label", f.title);
        fig.append(holder, cap);
        return fig;
      }));
      progressBar.max = 1;
      progressBar.value = 1;
      const cores = r.cores === 2 ? "2 cores" : "1 core";
      finish(`Done in ${((performance.now() - t0) / 1000).toFixed(2)} s on ${cores}`);
      document.body.dataset.result = "ok";
    };
    runButton.disabled = true;
    stopButton.disabled = false;
    progressBar.removeAttribute("value"); // indeterminate until the recipe reports
    document.body.dataset.state = "running";
    t0 = performance.now();
    timer = setInterval(() => {
      status.textContent = `Running… ${((performance.now() - t0) / 1000).toFixed(0)} s`;
    }, 250);
    status.textContent = "Running…";
    worker.postMessage({ recipe: spec.recipe, values, data });
  };
  stopButton.addEventListener("click", () => {
    worker?.terminate();
    worker = undefined;
    progressBar.value = 0;
    finish("Stopped");
  });
  runButton.addEventListener("click", run);
  const load = async (file: File) => {
    data = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
    document.getElementById("data-name")!.textContent = file.name;
    sync();
  };
  if (fileInput) {
    fileInput.addEventListener("change", () => {
      if (fileInput.files?.[0]) load(fileInput.files[0]);
    });
    document.addEventListener("dragover", (e) => e.preventDefault());
    document.addEventListener("drop", (e) => {
      e.preventDefault();
      const f = e.dataTransfer?.files[0];
      if (f) load(f);
    });
  }
  sync();
  if (params.get("run") === "1") run();
}

if (typeof document !== "undefined") start();
