/**
 * Test helpers: run a recipe exactly as its `deno task` does (same
 * permission flags, read from deno.json) in a subprocess, and write input
 * fixtures under `out/test-fixtures/` where those flags let the recipe read.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as XLSX from "xlsx";

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

const tasks: Record<string, string | { command: string; description: string }> =
  JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json"))).tasks;

/** The task command of a recipe, split into words (first word `deno`). */
export function taskWords(name: string): string[] {
  const task = tasks[name];
  if (!task) throw new Error(`deno.json has no task ${name}`);
  return (typeof task === "string" ? task : task.command).split(/\s+/);
}

/** Result of a recipe run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno task <name> <args…>` (without the task runner) from the repository root. */
export function runTask(name: string, args: string[] = []): Promise<RunResult> {
  const [, ...rest] = taskWords(name);
  return runDeno([...rest, ...args]);
}

/** Runs `deno <args…>` in `cwd` (the repository root by default), without colours. */
export async function runDeno(args: string[], cwd: string = ROOT): Promise<RunResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs a recipe with `--json --no-plot` and parses its stdout. */
export async function runJson(name: string, args: string[] = []): Promise<unknown> {
  const r = await runTask(name, [...args, "--json", "--no-plot"]);
  if (r.code !== 0) throw new Error(`${name} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Writes a fixture file under out/test-fixtures/ and returns its relative path. */
export function fixture(name: string, content: string | Uint8Array): string {
  const rel = `out/test-fixtures/${name}`;
  const abs = join(ROOT, rel);
  Deno.mkdirSync(dirname(abs), { recursive: true });
  if (typeof content === "string") Deno.writeTextFileSync(abs, content);
  else Deno.writeFileSync(abs, content);
  return rel;
}

/** Writes an .xlsx fixture with the given sheets (arrays of rows) and returns its relative path. */
export function xlsxFixture(name: string, sheets: Record<string, unknown[][]>): string {
  const wb = XLSX.utils.book_new();
  for (const [sheet, rows] of Object.entries(sheets)) {
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), sheet);
  }
  return fixture(name, new Uint8Array(XLSX.write(wb, { type: "array", bookType: "xlsx" })));
}
